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
    means nothing to do. The data is written under a temporary sibling name (C(.NAME.ansible-tmp-XXXXXXXXXXXX)) and
    renamed into place, so readers never see partial data at O(dest).
  - With O(state=absent), removes O(dest) (recursively for a directory).
  - Either state also removes temporary copies of O(dest) that an interrupted run (for example one killed mid-upload)
    left beside it, and reports them in RV(removed_stale).
  - O(src) is a path on the host that runs the module; with the V(k8s_exec) transport it is streamed into the
    master pod first, as a tar stream sent in chunks, so memory use does not grow with the data.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
  - alluxio_spark.k8s.attributes.alluxio_group
options:
  src:
    description:
      - Local file or directory to upload. Required with O(state=present).
      - Only regular files and directories are uploaded; a FIFO, socket, device or symbolic link to a directory in
        O(src) is refused before anything is written. A symbolic link to a regular file is uploaded as that file.
    type: path
  dest:
    description:
      - Absolute Alluxio path to create, replace or remove.
      - The wildcard characters C(*), C(?) and C([) are refused in O(dest) and O(root) on every transport (the
        C(alluxio) CLI would expand them, so C(/data/*) would name every file of C(/data)).
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
  cache:
    description:
      - With O(state=present), also make sure every block of O(dest) is cached in Alluxio's workers. A copy that is
        up to date but was freed or evicted (after a worker restart, for example) is loaded again with
        C(alluxio fs load), which reads the missing blocks from the under storage; RV(action) is then V(cache). A
        copy that is created or replaced is cached as it is written.
      - Needs the V(local) or V(k8s_exec) transport (Alluxio's REST API has no load); with another transport the
        module fails before it contacts Alluxio.
      - With O(checksum=true) the MD5 comparison reads an up-to-date file through Alluxio before this check; with
        Alluxio's default read type (C(CACHE)) that read caches the blocks already, and the action is then V(none).
      - Ignored with O(state=absent).
    type: bool
    default: false
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
notes:
  - "What the rename guarantees, exactly: readers never see partial data at O(dest). Creating makes O(dest) appear
    with one rename. Alluxio cannot rename over an existing path, so replacing renames the old copy away and the new
    one in, back to back: between the two, O(dest) is absent for the length of one rename call (one HTTP request over
    V(rest) and V(k8s_proxy), one CLI run over V(local) and V(k8s_exec))."
  - A failure names, in RV(leftovers), every copy it leaves in Alluxio, and says in RV(ignore:changed) whether
    O(dest) was changed; when a replace cannot put the old copy back, both copies are kept and named.
  - Runs on one O(dest) must not overlap; the second would remove the first one's temporary copy as stale.
  - Over V(k8s_exec), O(src) is first copied into the pod's C(/tmp), in a directory whose name holds its expiry
    (twice O(alluxio_timeout) plus a minute after the copy starts), and removed when the upload ends. A run killed
    before that leaves it; the next upload over V(k8s_exec) in that pod removes every such directory past its expiry.
  - Over V(k8s_proxy), writing needs an Alluxio REST proxy in O(alluxio_pod) (O(alluxio_proxy_port)).
  - With O(cache=true), whether a file is fully cached is read from Alluxio's C(inAlluxioPercentage); a load that
    the workers cannot complete (too little space in the tier) fails with Alluxio's message.
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

- name: Put it there, and load it into the workers' cache again if it was freed or evicted
  alluxio_spark.k8s.alluxio_file:
    src: /srv/data/input.txt
    dest: /data/input.txt
    cache: true
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
  choices: [none, create, replace, remove, cache]
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
removed_stale:
  description: Temporary copies of O(dest) that an interrupted run left, removed by this run (or to be, in check mode).
  returned: success
  type: list
  elements: str
  sample: [/data/.input.txt.ansible-tmp-3f2a9c0d1e4b]
leftovers:
  description: Copies a failed run leaves in Alluxio (temporary names holding the new or the old data).
  returned: failure
  type: list
  elements: str
  sample: [/data/.input.txt.ansible-tmp-3f2a9c0d1e4b]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import files, localfs
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.paths import validate_alluxio_path
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    CLI_TRANSPORTS,
    client_from_module,
    transport_argument_spec,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module


def run(module):
    params = module.params
    root = validate_alluxio_path(params["root"], "root")
    dest = validate_alluxio_path(params["dest"], "dest", root)
    if dest in ("/", root):
        raise AlluxioError("dest %s is the root itself; name a file or directory below it" % dest)
    present = params["state"] == "present"
    if present:
        if not params["src"]:
            raise AlluxioError("src is required with state=present")
        localfs.scan(params["src"])  # a bad src fails before Alluxio is contacted
        if params["cache"] and params["alluxio_transport"] not in CLI_TRANSPORTS:
            raise AlluxioError("cache=true needs the alluxio CLI ('fs load'): use the local or k8s_exec transport "
                               "(the %s transport has no way to load a path)" % params["alluxio_transport"])
    client = client_from_module(module)
    if present:
        plan = files.plan_present(client, params["src"], dest, params["force"], params["checksum"])
        if params["cache"]:
            plan = files.plan_cache(client, dest, plan)
    else:
        plan = files.plan_absent(client, dest)
    if plan.changes and not module.check_mode:
        files.apply(client, plan, params["src"], dest)
    result = dict(changed=plan.changes, action=plan.action, msg=plan.message, dest=dest, removed_stale=plan.stale)
    if module._diff:
        before = "absent" if plan.existing is None else "present"
        after = before if plan.action == "none" else ("absent" if plan.action == "remove" else
                                                      "present (%s)" % plan.action)
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
            cache=dict(type="bool", default=False),
        ),
        required_if=[("state", "present", ["src"])],
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
