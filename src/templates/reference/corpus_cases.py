"""Curated differential cases: (kind, template, variables). Values are JSON data."""

V = {
    "name": "Ada",
    "n": 1234567,
    "neg": -42,
    "x": 3.14159,
    "tiny": 0.000012345,
    "big": 1.5e17,
    "half": 2.5,
    "items": ["b", "a", "c"],
    "nums": [3, 1, 2],
    "user": {"name": "Bob", "tags": ["x", "y"], "age": 31},
    "users": [{"name": "Al", "age": 3}, {"name": "Bea", "age": 1}],
    "flag": True,
    "off": False,
    "nothing": None,
    "quote": "it's \"q\"",
    "uni": "héllo wörld",
    "text": "The quick brown fox jumps over the lazy dog",
    "lines": "a\nb\n\nc",
    "html": "<b>&'\"",
}

CASES = []

# ---- f-string: field names, escapes, conversions -------------------------------------------
for t in [
    "Hello {name}!", "{{literal}} {name}", "{{{name}}}", "}}{{", "{user[name]}", "{user[tags][1]}",
    "{items[0]}{items[2]}", "{name!r}", "{name!s}", "{uni!a}", "{uni!r}", "{quote!r}", "{user!r}",
    "{items!r}", "{nothing}", "{flag} {off}", "{nothing!r}", "{x!r}", "{big}", "{tiny}", "{half}",
    "{name:{n}}", "{name:>{neg}}", "{x:.{nums[0]}f}", "{user.name}", "{items[5]}", "{user[zip]}",
    "{items[x]}", "{name[0]}", "{n[0]}", "{0}", "{}", "{name.upper}",
    # syntax errors
    "{", "}", "a } b", "{name", "{name!}", "{name!x}", "{name!rr}", "{name.}", "{name[}",
    "{name[0]x}", "{a:{b:{c}}}", "{0}{}", "{}{0}", "{name{x}}", "{ name }",
]:
    CASES.append(("f-string", t, V))

# ---- f-string: format specs on each type ----------------------------------------------------
INT_SPECS = ["", "d", ">8", "<8", "^8", "*^9", "08", "+d", " d", "-d", ",", "_", "010,", "08,", "x", "X", "#x",
             "#X", "o", "#o", "b", "#b", "_b", "#_x", "c", "e", "f", ".2f", "%", "g", "n", "=+10", "z",
             ".2", ",x", "s", "abc"]
for spec in INT_SPECS:
    for var in ["n", "neg"]:
        CASES.append(("f-string", "{%s:%s}" % (var, spec), V))
FLOAT_SPECS = ["", "f", ".0f", ".1f", ".3f", "10.2f", "<10.2f", "^10.2f", "+.2f", "e", ".2e", "E", "g", ".3g",
               "G", "%", ".1%", ",.2f", "_.3f", "010.3f", "#.0f", "#g", ".10g", "z.1f", ".0e", "n", "x", ".2",
               ".12"]
for spec in FLOAT_SPECS:
    for var in ["x", "tiny", "big", "half"]:
        CASES.append(("f-string", "{%s:%s}" % (var, spec), V))
for spec in ["", "s", ">10", "<10", "^10", "*^11", ".2", "10.3", "=10", "+", "#", ",", "d", "05", "z"]:
    for var in ["name", "uni"]:
        CASES.append(("f-string", "{%s:%s}" % (var, spec), V))
for spec in ["", "d", ">6", "x", "s"]:
    CASES.append(("f-string", "{flag:%s}" % spec, V))
for spec in ["", ">5", "s"]:
    CASES.append(("f-string", "{nothing:%s}" % spec, V))
    CASES.append(("f-string", "{items:%s}" % spec, V))
for value, spec in [(0.5, ".0f"), (1.5, ".0f"), (0.125, ".2f"), (0.375, ".2f"), (2.675, ".2f"), (1e22, "f"),
                    (123456789.123, ",.2f"), (-0.0001, "z.2f"), (1e-7, ""), (1e16, ""), (9.999999e15, ""),
                    (0.1 + 0.2, ""), (100.0, "g"), (1e-5, "g"), (123456.0, ".3g"), (5e-324, ""),
                    (-1234.5, "012,.1f"), (1.0, ".3"), (123.0, ".2")]:
    CASES.append(("f-string", "{v:%s}" % spec, {"v": value}))

# ---- jinja2: expressions, printing, operators -----------------------------------------------
J = [
    "Hello {{ name }}!", "{{ user.name }} {{ user['age'] }}", "{{ user.tags[1] }}", "{{ items[-1] }}",
    "{{ items }}", "{{ user }}", "{{ nums }}", "{{ nothing }}", "{{ flag }} {{ off }}", "{{ x }}", "{{ big }}",
    "{{ tiny }}", "{{ 1 + 2 * 3 }}", "{{ 7 / 2 }}", "{{ 4 / 2 }}", "{{ 7 // 2 }}", "{{ -7 // 2 }}",
    "{{ -7 % 3 }}", "{{ 7 % -3 }}", "{{ 2 ** 10 }}", "{{ 'a' ~ 1 ~ none ~ true }}", "{{ 'ab' * 3 }}",
    "{{ [1, 2] + [3] }}", "{{ 'a' + 'b' }}", "{{ 1 == 1.0 }}", "{{ 'a' < 'b' }}", "{{ 1 in nums }}",
    "{{ 'x' in user.tags }}", "{{ 'qu' in text }}", "{{ 'name' in user }}", "{{ not flag }}",
    "{{ flag and 'yes' or 'no' }}", "{{ 'y' if flag else 'n' }}", "{{ 'y' if off }}", "{{ items[0:2] }}",
    "{{ text[4:9] }}", "{{ text[::-1][:3] }}", "{{ (1, 2) }}", "{{ (1,) }}", "{{ {'a': [1, 'b']} }}",
    "{{ missing }}", "{{ 1 / 0 }}", "{{ '%s is %d' % (name, 3) }}", "{{ '%05.1f' % x }}",
    "{{ '%(a)s-%(b)s' % {'a': 1, 'b': 2} }}", "{{ user.missing }}",
    # statements
    "{% if flag %}T{% else %}F{% endif %}", "{% if off %}a{% elif flag %}b{% else %}c{% endif %}",
    "{% for i in items %}{{ loop.index }}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% for i in items %}{{ loop.revindex0 }}{{ loop.first }}{{ loop.length }}{% endfor %}",
    "{% for k, v in user.items() %}{{ k }}={{ v }};{% endfor %}",
    "{% for k in user %}{{ k }} {% endfor %}", "{% for i in [] %}x{% else %}empty{% endfor %}",
    "{% for i in nums if i > 1 %}{{ i }}{% endfor %}",
    "{% for i in range(5) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}",
    "{% for i in range(5) %}{% if i is odd %}{% continue %}{% endif %}{{ i }}{% endfor %}",
    "{% for i in range(2, 10, 3) %}{{ i }} {% endfor %}", "{% for c in 'abc' %}{{ c }}.{% endfor %}",
    "{% for i in items %}{{ loop.cycle('odd', 'even') }} {% endfor %}",
    "{% for a in nums %}{% for b in nums %}{{ a * b }} {% endfor %}{% endfor %}",
    "{% set x = 5 %}{{ x * 2 }}", "{% set a, b = 1, 2 %}{{ a + b }}", "{% set s %}in {{ name }}{% endset %}[{{ s }}]",
    "{% set ns = namespace(c=0) %}{% for i in nums %}{% set ns.c = ns.c + i %}{% endfor %}{{ ns.c }}",
    "{% macro greet(who, p='Hi') %}{{ p }} {{ who }}{% endmacro %}{{ greet(name) }}|{{ greet('x', p='Yo') }}",
    "{% macro m() %}[{{ caller() }}]{% endmacro %}{% call m() %}inner{% endcall %}",
    "{% filter upper %}shout {{ name }}{% endfilter %}", "{# comment #}after", "a  {{- name -}}  b",
    "  {%- if flag -%}  x  {%- endif -%}  ", "line1\n{% if flag %}\nyes\n{% endif %}\nend\n",
    "{% raw %}{{ not rendered }}{% endraw %}", "{%- raw -%}  {{ x }}  {%- endraw -%}",
    "{{ dict(a=1, b=2) }}", "{% set x = 1 %}{% if flag %}{% set x = 2 %}{% endif %}{{ x }}",
    # filters
    "{{ name|upper }} {{ name|lower }}", "{{ 'hELLO wORLD'|capitalize }}", "{{ 'hello big-world (x)'|title }}",
    "{{ items|join(', ') }}", "{{ nums|join }}", "{{ [1, none, true]|join('|') }}", "{{ users|join(', ', attribute='name') }}",
    "{{ items|sort }}", "{{ items|sort(reverse=true) }}", "{{ users|sort(attribute='age')|map(attribute='name')|join }}",
    "{{ items|reverse|list }}", "{{ 'abc'|reverse }}", "{{ items|first }} {{ items|last }}", "{{ 'xyz'|first }}",
    "{{ items|length }} {{ uni|length }} {{ user|length }}", "{{ items|count }}", "{{ nums|sum }}",
    "{{ users|sum(attribute='age') }}", "{{ nums|min }} {{ nums|max }}", "{{ ['B', 'a', 'C']|max }}",
    "{{ ['b', 'A', 'a', 'B']|unique|list }}", "{{ x|round }}", "{{ x|round(2) }}", "{{ half|round }}",
    "{{ 3.5|round }}", "{{ 2.675|round(2) }}", "{{ x|round(1, 'floor') }}", "{{ x|round(1, 'ceil') }}",
    "{{ 7|round }}", "{{ neg|abs }}", "{{ '42'|int + 1 }}", "{{ '3.5'|float }}", "{{ 3|float }}",
    "{{ x|int }}", "{{ 'abc'|int }}", "{{ n|string ~ '!' }}", "{{ flag|string }}", "{{ nothing|default('d') }}",
    "{{ missing|default('d') }}", "{{ ''|default('d', true) }}", "{{ missing|d('dd') }}",
    "{{ text|truncate(20) }}", "{{ text|truncate(20, true) }}", "{{ text|truncate(10, false, '…', 0) }}",
    "{{ 'short'|truncate(3, leeway=0, end='') }}", "{{ text|wordcount }}", "{{ name|center(11) }}|",
    "{{ '  pad  '|trim }}|", "{{ 'xxhixx'|trim('x') }}", "{{ text|replace('o', '0') }}",
    "{{ text|replace('o', '0', 2) }}", "{{ lines|indent }}", "{{ lines|indent(2, true) }}",
    "{{ lines|indent(2, blank=true) }}", "{{ html|e }}", "{{ html|escape }}", "{{ html|safe }}",
    "{{ user|tojson }}", "{{ html|tojson }}", "{{ [1, 2.5, none, true]|tojson }}", "{{ {'b': 1, 'a': [1]}|tojson(2) }}",
    "{{ uni|tojson }}", "{{ '%s-%s'|format(1, 'a') }}", "{{ '%5.2f|%-5d|%x'|format(x, 42, 255) }}",
    "{{ '%r %s'|format(name, nothing) }}", "{{ '%(a)s'|format(a=1) }}", "{{ '%d'|format('x') }}",
    "{{ '%s %s'|format(1) }}", "{{ items|map('upper')|join }}", "{{ nums|map('string')|join('+') }}",
    "{{ users|map(attribute='name')|list }}", "{{ nums|select('odd')|list }}", "{{ nums|reject('odd')|list }}",
    "{{ nums|select('gt', 1)|list }}", "{{ nums|select|list }}", "{{ users|selectattr('age', 'odd')|map(attribute='name')|list }}",
    "{{ items|batch(2)|list }}", "{{ items|batch(2, 'z')|list }}", "{{ user|items|list }}",
    "{{ user|dictsort|first }}", "{{ 'a,b,,c'.split(',') }}", "{{ text.split()|length }}",
    "{{ name.upper() }}", "{{ '  x '.strip() }}|", "{{ 'a-b'.replace('-', '+') }}", "{{ name.startswith('A') }}",
    "{{ user.get('name') }} {{ user.get('zz', 'dflt') }}", "{{ user.keys()|list }}", "{{ items|list|length is even }}",
    "{{ missing is defined }} {{ name is defined }} {{ nothing is none }} {{ 3 is number }} {{ 'a' is string }}",
    "{{ user is mapping }} {{ items is iterable }} {{ 'abc' is lower }}",
    # sandbox
    "{{ name.__class__ }}", "{{ user.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}",
    "{{ user.constructor }}", "{{ ''.__class__.__base__.__subclasses__() }}", "{{ range.__globals__ }}",
    "{{ user._private }}",
    # syntax errors
    "{% if x %}unclosed", "{{ name }", "{% endfor %}", "{% for %}", "{{ }}", "{% unknowntag %}",
    # extraction-focused
    "{{ a }}{% set a = 1 %}{{ a }}", "{% for i in items %}{{ x }}{% endfor %}{% set x = 1 %}",
    "{% if c %}{% set y = 1 %}{{ y }}{% endif %}", "{% macro m(a, b=c) %}{{ a }}{{ b }}{{ caller }}{% endmacro %}",
    "{% for a, b in pairs %}{{ a }}{% else %}{{ a }}{% endfor %}", "{% set ns = namespace() %}{% set ns.v = w %}",
    "{% for i in l if i > k %}{{ i }}{{ loop.index }}{% endfor %}{{ loop }}", "{{ f(x)|join(sep) }}{{ d[key] }}",
]
for t in J:
    CASES.append(("jinja2", t, V))
for t in ["{{ a }}{% set a = 1 %}{{ a }}", "{% for i in items %}{{ x }}{% endfor %}{% set x = 1 %}",
          "{% if c %}{% set y = 1 %}{{ y }}{% endif %}", "{% macro m(a, b=c) %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}",
          "{% for a, b in pairs %}{{ a }}{% else %}{{ a }}{% endfor %}", "{% set ns = namespace() %}{% set ns.v = w %}{{ ns.v }}",
          "{% for i in l if i > k %}{{ i }}{% endfor %}", "{{ d[key] }}"]:
    CASES.append(("jinja2", t, {"a": 0, "c": 1, "x": 9, "y": 7, "items": [1], "pairs": [[1, 2]], "w": 5, "l": [1, 5], "k": 2, "d": {"z": 1}, "key": "z"}))
# syntax errors on later lines: our reported line must be Python's `TemplateSyntaxError.lineno`
for t in ["Hello\n{{ name + }}\n", "a\nb\n{% if x %}\nunclosed", "line one\n  {% for %}{% endfor %}",
          "{# ok #}\n{{ name | }}", "x\n{% unknowntag %}\ny", "{% if a %}\n{% else %}\n{% else %}\n{% endif %}",
          "1\n2\n{{ 'unterminated }}", "{% raw %}\n{{ fine }}\n{% endraw %}\n{{ ) }}", "ok\n{{ name\n",
          "{% set x = 1 %}\n{{ x }}\n{% endfor %}"]:
    CASES.append(("jinja2", t, V))
