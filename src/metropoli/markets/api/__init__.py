"""Mi Mercado API: one router, mounted at /api/markets/, made of one router per concept.

`catalogue` (markets, products, pickup slots), `orders` (checkout and the shopper's order),
`stalls` (prices, stock, photos, the stalls' answers) and `couriers` (registration and
deliveries); `edge` holds what they share.
"""

from ninja import Router

from . import catalogue, couriers, orders, stalls

router = Router(tags=["markets"])
for _part in (couriers, catalogue, orders, stalls):
    # An operation's id names the API and the function, not the module it lives in
    # ("metropoli_markets_api_create_order"): clients generated from the OpenAPI document keep
    # their method names whichever module an endpoint moves to.
    for _path in _part.router.path_operations.values():
        for _operation in _path.operations:
            _operation.operation_id = f"metropoli_markets_api_{_operation.view_func.__name__}"
    router.add_router("", _part.router)
