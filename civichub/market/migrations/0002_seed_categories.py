"""The platform's market categories, each with its unit, what a price is per, the population its need is
counted against (with the assumed rate, shown on every page that uses it) and the directory's service
category codes where they meet (the demo taxonomy's C01 care at home, C03 children and families,
C04 young people, C07 housing, C09 getting around)."""

from decimal import Decimal

from django.db import migrations

# code, name, unit, price per, regulated by the CQC, need basis, need per 1,000 of it, cost template, directory codes
CATEGORIES = [
    ("home-care-18", "Home care 18+", "hours per week", "per contact hour", True, "adults", "100", "home_care", ["C01"]),
    ("residential-care-65", "Residential care 65+", "beds", "per bed per week", True, "older", "12", "care_home", []),
    ("nursing-care-65", "Nursing care 65+", "beds", "per bed per week", True, "older", "8", "care_home", []),
    ("supported-living", "Supported living", "hours per week", "per hour", True, "adults", "40", "", ["C01", "C07"]),
    ("childrens-residential", "Children's residential", "beds", "per bed per week", False, "children", "0.6", "", ["C03"]),
    ("send-transport", "SEND home-to-school transport", "routes", "per route per day", False, "children", "1.5", "", ["C03", "C09"]),
    ("youth-services", "Youth services", "sessions per week", "per session", False, "children", "2", "", ["C04"]),
    ("highways-maintenance", "Highways maintenance", "£ of contract value a year", "per £ of contract value", False, "everyone", "40000", "", []),
    ("grounds-maintenance", "Grounds maintenance", "£ of contract value a year", "per £ of contract value", False, "everyone", "10000", "", []),
]


def seed(apps, schema_editor):
    MarketCategory = apps.get_model("market", "MarketCategory")
    for code, name, unit, price_unit, regulated, basis, need, template, directory in CATEGORIES:
        MarketCategory.objects.update_or_create(
            council=None,
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "price_unit": price_unit,
                "regulated": regulated,
                "need_basis": basis,
                "need_per_thousand": Decimal(need),
                "cost_template": template,
                "directory_codes": directory,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("market", "MarketCategory").objects.filter(
        council=None, code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
