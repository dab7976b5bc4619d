"""Profile pages of bench/pages.py's plans with cProfile: where a request's time goes, warm and with an empty cache.

Runs against the plans a `bench/pages.py --reuse` run left (same settings, same
scratch database; DATABASE_URL for PostgreSQL's test_<name>), signed in as the
bench's users, and prints the functions taking the most time, cumulative and own.

    python bench/pages.py --full --reuse                    # once, to generate the plans
    python bench/profile_pages.py plan-detail board-dashboard portfolio board-pack
    python bench/profile_pages.py board-pack --cold --top 40     # empty cache: closed periods' counts read back
    python bench/profile_pages.py portfolio --first              # nothing kept either: everything counted
    python bench/profile_pages.py board-pack --after-rating
"""

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pages  # noqa: E402  (sets up Django with the bench's settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="+", help="keys of bench/pages.py's PAGES, or 'save' for a rating save")
    parser.add_argument("--cold", action="store_true", help="empty the cache before each request")
    parser.add_argument("--first", action="store_true", help="empty the cache and delete the kept counts too")
    parser.add_argument("--after-rating", action="store_true", help="save a rating (unprofiled) before each request")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": pages.STATIC_PLAIN}}
    if connection.vendor != "sqlite":
        connection.settings_dict["NAME"] = connection.creation._get_test_db_name()
    from django.contrib.auth import get_user_model

    scene = pages.scene_of(get_user_model().objects.get(username="bench-owner"))
    clients = {}
    for key, user in scene.users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    for name in args.names:
        if name == "save":
            action = save_a_rating(scene, clients["lead"])
        else:
            page = pages.PAGES[name]
            url = reverse(name.split(":")[0], kwargs=page.arguments(scene) if page.arguments else None)
            client = clients[page.as_user]

            def action(client=client, url=url):
                return pages.get(client, url)

        action()  # warm-up
        profile = cProfile.Profile()
        state, before = before_each(args, save_a_rating(scene, clients["lead"]))
        for _ in range(args.repeat):
            before()
            profile.enable()
            action()
            profile.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            print(f"===== {name} ({state}, {args.repeat} requests), by {order}")
            print(out.getvalue().split("\n", 6)[-1])


def before_each(args, rate):
    """What each profiled request comes just after, and its name."""
    from django.core.cache import cache

    if args.first:
        return "first count", pages.forget_everything
    if args.cold:
        return "cold", cache.clear
    if args.after_rating:
        return "after a rating", rate
    return "warm", lambda: None


def save_a_rating(scene, client):
    """A lead's htmx save of the bench measure in the current period, with the version its form carries."""
    import re

    from django.urls import reverse

    url = reverse("measure-rate", kwargs={"pk": scene.measure.pk})
    level = scene.plan.scale.levels.order_by("value")[2].pk
    n = iter(range(10**6))

    def action():
        form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        version = re.search(r'name="version" value="(\d+)"', form)
        data = {"level": level, "update": f"Profiled save {next(n)}", "reason": "", "due_month": ""}
        if version:
            data["version"] = version.group(1)
        return client.post(url, data, HTTP_HX_REQUEST="true")

    return action


if __name__ == "__main__":
    main()
