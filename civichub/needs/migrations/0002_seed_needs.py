"""The platform's needs taxonomy, shared by every council (each may add its own). Each need names the
directory's service categories where it meets them (the demo taxonomy's C01 care at home, C02 carers,
C03 children and families, C04 young people, C05 health and wellbeing, C06 money and debt, C07 housing,
C08 food, C09 getting around, C10 community and social) and the market's category codes."""

from django.db import migrations

# code, name, description, directory codes, market codes
NEEDS = [
    ("housing", "Housing", "A safe, warm, affordable home, and help to keep it", ["C07"], ["supported-living"]),
    ("health-and-wellbeing", "Health and wellbeing", "Physical and mental health, staying well", ["C05"], []),
    (
        "adult-social-care",
        "Adult social care",
        "Care and support to live independently, and support for carers",
        ["C01", "C02"],
        ["home-care-18", "residential-care-65", "nursing-care-65", "supported-living"],
    ),
    (
        "children-and-families",
        "Children and families",
        "Early help, parenting, children's social care and SEND",
        ["C03"],
        ["childrens-residential", "send-transport"],
    ),
    ("young-people", "Young people", "Youth work, activities and advice for 11 to 25", ["C04"], ["youth-services"]),
    ("employment-and-skills", "Employment and skills", "Work, training, adult learning", [], []),
    ("community-safety", "Community safety", "Crime, anti-social behaviour, domestic abuse", [], []),
    ("environment", "Environment", "Clean streets, green space, climate and energy", [], ["grounds-maintenance"]),
    ("transport", "Transport", "Getting around: community transport, roads and travel", ["C09"], ["highways-maintenance"]),
    ("money-and-debt", "Money and debt", "Income, benefits, debt and the cost of living", ["C06"], []),
    ("food", "Food", "Food insecurity: food banks, pantries, community meals", ["C08"], []),
    ("loneliness-and-community", "Loneliness and community", "Social connection, groups and volunteering", ["C10"], []),
]


def seed(apps, schema_editor):
    NeedCategory = apps.get_model("needs", "NeedCategory")
    for code, name, description, directory, market in NEEDS:
        NeedCategory.objects.update_or_create(
            council=None,
            code=code,
            defaults={
                "name": name,
                "description": description,
                "directory_codes": directory,
                "market_codes": market,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("needs", "NeedCategory").objects.filter(council=None, code__in=[n[0] for n in NEEDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
