"""Every write of Mi Mercado: keyword-only functions, one transaction each, one module per concept.

- `fetch`: what a checkout reads, once (the cart's products and stalls, the market's calendar);
- `checkout`: the cart checked, priced and placed as an order (`place_order`);
- `pickup_slots`: the pickup day and slot chosen, and its place held;
- `stock`: stock taken by a checkout and given back by a cancellation or a rejection;
- `fulfilment`: the stalls' answers, cancellation and pickup hand-over (the lock order);
- `couriers`: registration, approval and deliveries;
- `catalogue`: a stall's prices and stock, product and market photos;
- `notifications`: in-app notifications and their e-mails;
- `selection_matrix`: edits of the pilot-market selection matrix.

Importers name the module they use (docs/decisions/0056-markets-modules-by-concept.md).
"""
