# Sphinx configuration of the collection's docsite (make docs). The settings are those `antsibull-docs sphinx-init`
# writes, with one change: the build is offline. Sphinx fetches no intersphinx inventory; a reference to a page that
# only exists on the Ansible docsite (another collection's plugin, an Ansible reference page) becomes a plain link to
# that page there, and a reference into this collection that does not resolve stays a build error.
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import re

from docutils import nodes

project = 'alluxio_spark.k8s'
copyright = 'alluxio_spark.k8s developers'  # pylint: disable=redefined-builtin
title = 'alluxio_spark.k8s'
html_short_title = 'alluxio_spark.k8s'

extensions = ['sphinx_antsibull_ext']
pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'
html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
default_role = 'any'
nitpicky = True

ANSIBLE_DOCSITE = 'https://docs.ansible.com/ansible/latest/'
THIS_COLLECTION = 'alluxio_spark.k8s'
# The Ansible reference pages that antsibull-docs' own page templates point at.
DOCSITE_PAGES = {
    'common_return_values': 'reference_appendices/common_return_values.html',
    'ansible_configuration_settings': 'reference_appendices/config.html',
}
# ansible_collections.<namespace>.<name>.<plugin>_<type>[__<anchor>], the label scheme of antsibull-docs' pages.
PLUGIN_LABEL = re.compile(r'^ansible_collections\.(\w+)\.(\w+)\.(\w+?)_(\w+?)(?:__(.+))?$')


def docsite_url(label: str) -> str | None:
    """The Ansible docsite URL of a label this site does not define, or None when it is not one of the docsite's."""
    if label in DOCSITE_PAGES:
        return ANSIBLE_DOCSITE + DOCSITE_PAGES[label]
    match = PLUGIN_LABEL.match(label)
    if not match or f'{match[1]}.{match[2]}' == THIS_COLLECTION:
        return None
    url = f'{ANSIBLE_DOCSITE}collections/{match[1]}/{match[2]}/{match[3]}_{match[4]}.html'
    return url + (f'#{match[5]}' if match[5] else '')


def link_to_docsite(app, env, node, contnode):
    """Resolve a reference to another collection or an Ansible reference page as an external link."""
    del app, env
    if node.get('refdomain') != 'std' or node.get('reftype') != 'ref':
        return None
    url = docsite_url(node.get('reftarget', ''))
    if url is None:
        return None
    text = contnode.astext() if contnode is not None else node['reftarget']
    return nodes.reference('', text, refuri=url, internal=False)


def setup(app):
    app.connect('missing-reference', link_to_docsite)
