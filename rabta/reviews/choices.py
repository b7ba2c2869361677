from django.db import models
from django.utils.translation import gettext_lazy as _


# The appealable decisions a review may be filed against. (No docstring: pydantic would publish it
# in the OpenAPI document, which stays as it was before reviews had their own app.)
class DecisionType(models.TextChoices):
    VALUATION = "valuation", _("Valuation")
    CLASSIFICATION = "classification", _("Classification")
    PENALTY = "penalty", _("Penalty")


class Result(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    VARIED = "varied", _("Varied")
    SET_ASIDE = "set_aside", _("Set aside")
