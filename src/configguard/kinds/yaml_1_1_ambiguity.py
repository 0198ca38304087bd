"""yaml-1.1-ambiguity: a plain YAML scalar that YAML 1.1 readers read differently.

On by default for the YAML files checked, as a warning. configguard reads the YAML 1.2
core schema; PyYAML, Go's yaml.v2 and Ruby's Psych read YAML 1.1. The same unquoted
value can then mean two things to two consumers: ``yes``, ``no``, ``on``, ``off``,
``y``, ``n`` (in the casings YAML 1.1 defines: ``yes``, ``Yes``, ``YES``; ``yEs`` is a
string to both) are booleans in 1.1; ``010`` is 8 in 1.1 and 10 in 1.2; ``0o17`` is 15
in 1.2 and a string in 1.1; ``0b101``, ``1_000`` and ``1:30`` (sexagesimal, 90) are
numbers in 1.1 and strings in 1.2; ``1e3`` and ``-.5`` are numbers in 1.2 and strings to
PyYAML; ``2024-01-01`` is a date to PyYAML. Each finding names both readings and what to
write instead (the quoted form, or the number spelled the same in both). Keys are not
checked (GitHub reads the ``on:`` of a workflow as a string). The loader finds them
while parsing; declaring a rule of this kind only changes the severity or adds a
``why``; ``--ignore yaml-1.1-ambiguity`` (or an ``ignore:`` entry) turns it off.

Rule::

    id: yaml-1.1-ambiguity
    kind: yaml-1.1-ambiguity
    severity: error

PASS::

    enabled: true
    country: "no"
    mode: '0755'

FAIL::

    enabled: yes
    country: no
    mode: 0755
"""

from __future__ import annotations

from . import Kind


class YamlAmbiguity(Kind):
    name = "yaml-1.1-ambiguity"
    description = "A plain YAML scalar must read the same in YAML 1.1 and YAML 1.2."
    uses_path = False
    from_loader = True
    default_severity = "warning"
