"""Parse what DIY sensors post: the airRohr "custom API" body and openSenseMap JSON uploads.

Pure package (no Django): it turns untrusted bytes into normalised readings or raises
``PayloadError`` with a stable ``code`` and a Spanish message. Anything else escaping from here is
a bug; a property test feeds arbitrary bytes to check that.

Formats are those of the airRohr firmware (opendata-stuttgart/sensors-software, NRZ-2024-135),
as summarised in ``sensors/airrohr_examples.json`` of the shared reference data
(``METROPOLI_SHARED_DIR``):

* custom API: one POST per cycle, headers ``X-Sensor: esp8266-<chip id>`` (``esp32-<hex>`` on
  ESP32) and ``X-MAC-ID``, body ``{"esp8266id", "software_version", "sensordatavalues": [...]}``
  with every value a JSON string and ``value_type`` keeping the sensor prefix (``SDS_P1``);
* openSenseMap with ``?luftdaten=1``: the same body without ``esp8266id``; ``parse_airrohr``
  accepts it when the ``X-Sensor`` header is present;
* sensor.community push: one sensor per post, prefixes stripped, ``X-PIN`` naming the sensor
  kind; ``parse_airrohr`` maps the unprefixed names by pin;
* openSenseMap JSON array: ``[{"sensor": "<id>", "value": "12.3", "createdAt": "..."}]``.

In the custom API body, unprefixed ``temperature``/``humidity`` come from a DHT22 and unprefixed
``P1``/``P2`` from a PPD42NS (particle counts, not PM mass), so that is how they are mapped.

Modules: ``airrohr`` and ``opensensemap`` (one per format), ``value_types`` (the firmware's value
types with their quantity, unit and sensor model), ``decoding`` (bytes to JSON, JSON values to
numbers, the limits) and ``errors`` (``PayloadError`` and its codes).
"""
