"""`{% interventions_tab page as tab %}`: the « Interventions » tab of the dossier page (S1–S12)."""

from django import template

from recouvrement.web.interventions.tab import Tab
from recouvrement.web.interventions.tab import interventions_tab as build_tab

register = template.Library()


@register.simple_tag(takes_context=True)
def interventions_tab(context, page) -> Tab:
    """The tab's rows for the user of the request (what each one may do)."""
    return build_tab(context["request"], context["workspace"], page.dossier, page.interventions)
