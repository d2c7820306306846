#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alluxio_file
short_description: Put a local file or directory into Alluxio, or remove an Alluxio path
version_added: 0.1.0
description:
  - With O(state=present), makes O(dest) in Alluxio hold the same bytes as the local O(src) (a file, or a directory
    tree), as C(alluxio fs copyFromLocal) does, but only when needed - same size and, with O(checksum=true), same MD5
    means nothing to do - and atomically - the data is written under a temporary sibling name and renamed into
    place, so readers never see a half-written O(dest).
  - With O(state=absent), removes O(dest) (recursively for a directory).
  - O(src) is a path on the host that runs the module; with the V(k8s_exec) transport it is copied into the
    master pod first.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
options:
  src:
    description:
      - Local file or directory to upload. Required with O(state=present).
    type: path
  dest:
    description:
      - Absolute Alluxio path to create, replace or remove.
    type: str
    required: true
  state:
    description:
      - V(present) uploads when O(dest) is missing or differs; V(absent) removes O(dest).
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Replace O(dest) even when it already holds the same bytes (for example to re-cache it).
    type: bool
    default: false
  checksum:
    description:
      - When sizes match, also compare MD5 sums (C(alluxio fs checksum) reads the file through Alluxio, which
        counts in the read metrics). With V(false), equal sizes mean equal files.
    type: bool
    default: true
  root:
    description:
      - O(dest) must lie under this Alluxio directory; a guard against writing or removing outside the data area.
    type: str
    default: /
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff shows the planned action and its reason.
  idempotent:
    support: full
    details:
      - Not with O(force=true), which always replaces.
requirements:
  - kubernetes >= 24.2.0 (for the V(k8s_exec) and V(k8s_proxy) transports)
seealso:
  - module: alluxio_spark.k8s.alluxio_file_info
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Put the word-count input into Alluxio
  alluxio_spark.k8s.alluxio_file:
    src: /srv/data/input.txt
    dest: /data/input.txt
    alluxio_namespace: alluxio

- name: Upload a directory through the REST proxy
  alluxio_spark.k8s.alluxio_file:
    src: /srv/data/logs/
    dest: /data/logs
    alluxio_transport: rest
    alluxio_master_url: http://alluxio-master-0.alluxio:19999

- name: Remove it
  alluxio_spark.k8s.alluxio_file:
    dest: /data/logs
    state: absent
    root: /data
"""

RETURN = r"""
action:
  description: What was done (or would be, in check mode).
  returned: always
  type: str
  choices: [none, create, replace, remove]
  sample: create
msg:
  description: The reason for the action.
  returned: always
  type: str
  sample: /data/input.txt does not exist in Alluxio
dest:
  description: The normalised destination path.
  returned: always
  type: str
  sample: /data/input.txt
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import files
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.paths import validate_alluxio_path
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    client_from_module,
    transport_argument_spec,
)


def run(module):
    params = module.params
    root = validate_alluxio_path(params["root"], "root")
    dest = validate_alluxio_path(params["dest"], "dest", root)
    if dest == "/" or dest == root:
        raise AlluxioError("dest %s is the root itself; name a file or directory below it" % dest)
    if params["state"] == "present":
        if not params["src"]:
            raise AlluxioError("src is required with state=present")
        files.check_source(params["src"])
    client = client_from_module(module)
    if params["state"] == "absent":
        existing = client.status(dest)
        action, reason = ("remove", "%s exists" % dest) if existing else ("none", "%s does not exist" % dest)
        if action == "remove" and not module.check_mode:
            client.remove(dest, recursive=existing["is_dir"])
    else:
        action, reason, existing = files.plan_present(client, params["src"], dest, params["force"], params["checksum"])
        if action != "none" and not module.check_mode:
            files.apply_present(client, params["src"], dest, action)
    result = dict(changed=action != "none", action=action, msg=reason, dest=dest)
    if module._diff:
        before = "absent" if existing is None else "present"
        after = before if action == "none" else ("absent" if action == "remove" else "present (%s)" % action)
        result["diff"] = dict(before="%s: %s\n" % (dest, before), after="%s: %s\n" % (dest, after))
    return result


def main():
    module = AnsibleModule(
        argument_spec=transport_argument_spec(
            src=dict(type="path"),
            dest=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
            checksum=dict(type="bool", default=True),
            root=dict(type="str", default="/"),
        ),
        required_if=[("state", "present", ["src"])],
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
