from django import forms
from django.template.loader import render_to_string


class _NameForm(forms.Form):
    name = forms.CharField(help_text="Your name")


def test_shared_field_snippet_ties_label_help_and_error_to_the_input():
    form = _NameForm(data={})
    form.is_valid()
    html = render_to_string("core/includes/field.html", {"field": form["name"]})
    assert 'class="field has-error"' in html
    assert '<label for="id_name">' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
