"""Pure computations for the analysis of contributions (no Django): hexagon bins and word counts."""
