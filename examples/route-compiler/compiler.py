"""A small route compiler: the service topology in, the announcement table out.

Each prefix is announced from every location of the topology of the service that owns
it. A prefix claimed by two services goes to the one listed last: the latent bug.
"""


def compile(topology):
    owner = {}
    for name, service in topology["services"].items():
        for prefix in service["prefixes"]:
            owner[prefix] = name  # last claim wins
    routes = []
    for prefix, name in sorted(owner.items()):
        locations = topology["topologies"][topology["services"][name]["topology"]]
        for location in locations:
            routes.append({"id": f"{location}/{prefix}", "prefix": prefix, "service": name})
    announced = {route["prefix"] for route in routes}
    return {"routes": routes, "unrouted_prefixes": sorted(set(owner) - announced)}
