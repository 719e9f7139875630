"""The mixed searches that `serve_load.sh` and `serve_times.py` ask a server: fixed forms, with
the names and dates taken from the index's own statistics (`/api/stats`), so that the same set
fits any corpus."""


def searches(stats):
    """(query, extra parameters) pairs: terms, phrases, an exclusion, OR, name and country
    filters, published and mentioned date ranges, facets, date order and paging."""
    people = [p["name"] for p in stats["people"][:3]]
    places = [p["name"] for p in stats["places"][:3]]
    years = [b["period"] for b in stats["timeline"]["buckets"] if b["count"]][-4:]
    queries = [
        ("election", {}), ("oil prices", {}), ("government", {"facets": "1"}),
        ("bank", {"sort": "date"}), ('"prime minister"', {}), ('"central bank"', {"facets": "1"}),
        ("trade -football", {}), ("company profit", {"sort": "date", "facets": "1"}),
        (f"countries:{stats['countries'][0]['name']}", {"facets": "1"}),
        (f"market published:{years[-1]}", {}),
        (f"published:[{years[0]}-01 TO {years[1]}-06] shares", {"sort": "date"}),
        (f"dates:{years[-2]} minister", {"facets": "1"}),
        ("strike OR protest", {}), ("police", {"offset": "20"}),
    ]
    queries += [(f'people:"{p}"', {"facets": "1"}) for p in people]
    queries += [(f'places:"{p}" economy', {}) for p in places]
    return queries
