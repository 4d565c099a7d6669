// Starts Django's admin map widget (django.contrib.gis OLMapWidget.js, OpenStreetMap tiles)
// from the data attributes of templates/gis/openlayers-osm.html: the stock template does this
// in an inline script, which the Content-Security-Policy forbids. A classic script, run where
// it stands, after the widget's media (OpenLayers, MapWidget) loaded in the page head.
"use strict";
{
  const data = document.currentScript.closest(".dj_map_wrapper").dataset;
  const options = {
    base_layer: new ol.layer.Tile({ source: new ol.source.OSM() }),
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
