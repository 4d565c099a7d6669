// Starts Django's admin map widget (django.contrib.gis OLMapWidget.js, with OpenLayers vendored
// under static/vendor/ol by `make vendor`) from the data attributes of
// templates/gis/openlayers-osm.html: the stock template does this in an inline script, which
// the Content-Security-Policy forbids. A classic script, run where it stands, after the widget's
// media (OpenLayers, MapWidget) loaded in the page head. The background is the product's basemap
// (METROPOLI_BASEMAP_TILES), or none: never OpenStreetMap's servers behind the product's back.
"use strict";
{
  const data = document.currentScript.closest(".dj_map_wrapper").dataset;
  const background = data.basemapTiles
    ? new ol.layer.Tile({
        source: new ol.source.XYZ({
          url: data.basemapTiles,
          attributions: data.basemapAttribution || undefined,
        }),
      })
    : new ol.layer.Vector({ source: new ol.source.Vector() });
  const options = {
    base_layer: background,
    geom_name: data.geomName,
    id: data.widgetId,
    map_id: `${data.widgetId}_map`,
    map_srid: Number(data.mapSrid),
    name: data.name,
    default_lon: Number(data.defaultLon),
    default_lat: Number(data.defaultLat),
    default_zoom: Number(data.defaultZoom),
  };
  window[data.module] = new MapWidget(options);
}
