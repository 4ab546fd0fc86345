"""``{% fragment value … %}…{% endfragment %}``: a part of a desk template rendered once for the
values named and kept in the cache (``desk.fragments``: keyed with its place, the language and
the time zone; rebuilt when the directory changes). Name every value the part shows: anything
else it reads is frozen at the first rendering. ``{% csrf_token %}`` inside is filled per request.
"""

from django import template

from edudesk.desk import directory, fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, values, place: str):
        self.nodelist, self.values, self.place = nodelist, values, place

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        parts = tuple(value.resolve(context) for value in self.values)
        fragment_key = fragments.key(self.place, parts)
        html = fragments.lookup(fragment_key)
        if html is None:
            generation = directory.generation()
            with context.push(csrf_token=fragments.CSRF_MARK):
                html = self.nodelist.render(context)
            fragments.store(fragment_key, generation, html)
        return fragments.personal(html, request, 0)


@register.tag
def fragment(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    place = f"{parser.origin.template_name}:{token.lineno}"
    return FragmentNode(nodelist, values, place)
