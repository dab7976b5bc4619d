"""python manage.py generate_plan: synthetic plans of any size, with history, for tests and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from plans.audit import command_user
from plans.demo.synthetic import generate_plans
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Create synthetic plans: priorities, outcomes, actions, measures with leads, a rating per measure per "
        "monthly period, and HISTORY extra history rows from re-ratings. Every row has history naming the user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--measures", type=int, default=100, help="Measures per plan (default 100).")
        parser.add_argument("--periods", type=int, default=12, help="Monthly reporting periods (default 12).")
        parser.add_argument("--history", type=int, default=0, help="Extra history rows per plan from re-ratings.")
        parser.add_argument("--plans", type=int, default=1, help="How many plans (default 1).")
        parser.add_argument("--slug", default="synthetic", help="Plan slug; several plans get -1, -2… appended.")
        parser.add_argument("--seed", type=int, default=2018, help="Random seed, for repeatable plans.")
        parser.add_argument("--user", help="Username recorded in history and made owner (default: system).")

    def handle(self, *args, **options):
        for name in ("measures", "periods", "plans"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1 (got {options[name]}).")
        if options["history"] < 0:
            raise CommandError(f"--history must be 0 or more (got {options['history']}).")
        slugs = (
            [options["slug"]]
            if options["plans"] == 1
            else [f"{options['slug']}-{n}" for n in range(1, options["plans"] + 1)]
        )
        taken = list(Plan.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        if taken:
            raise CommandError(f"--slug: a plan already has the slug {', '.join(sorted(taken))}; choose another.")
        started = time.perf_counter()
        results = generate_plans(
            command_user(options["user"]),
            options["slug"],
            measures=options["measures"],
            periods=options["periods"],
            history=options["history"],
            plans=options["plans"],
            seed=options["seed"],
        )
        for result in results:
            self.stdout.write(
                f"created {result.plan.slug}: {result.measures} measures, {result.ratings} ratings, "
                f"{result.history_rows} rating history rows"
            )
        self.stdout.write(f"in {time.perf_counter() - started:.1f} s")
