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


def test_no_template_puts_markup_in_the_page_title():
    """A page's ``{% block title %}`` is the text of its <title> (and of screen readers' first
    announcement): markup there means a merge or an edit put content into the wrong block."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    block = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
    wrong = []
    for template in sorted(root.rglob("templates/**/*.html")):
        for title in block.findall(template.read_text(encoding="utf-8")):
            if "<" in title or "\n" in title.strip():
                wrong.append(str(template.relative_to(root)))
    assert wrong == []
