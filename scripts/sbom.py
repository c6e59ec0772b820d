#!/usr/bin/env python3
"""An image's software bill of materials, CycloneDX 1.5 JSON on stdout (scripts/images.sh).

Its components: every Maven artifact the packaged app runs with, from Quarkus's own list of them
(target/quarkus-app/quarkus-app-dependencies.txt, one `group:artifact:classifier:type:version` a line), and every
Debian package of the base image (`package<TAB>version<TAB>architecture` a line, from dpkg-query), each with its
package URL. Nothing is guessed: a line of another shape stops the script, naming the file and the line.
"""
import argparse
import json
import sys
import uuid


def maven(line, where):
    parts = line.split(":")
    if len(parts) != 5 or not parts[0] or not parts[1] or not parts[4]:
        sys.exit(f"sbom.py: {where}: not group:artifact:classifier:type:version: {line!r}")
    group, artifact, classifier, kind, version = parts
    qualifiers = [f"type={kind}"] if kind and kind != "jar" else []
    if classifier:
        qualifiers.append(f"classifier={classifier}")
    purl = f"pkg:maven/{group}/{artifact}@{version}" + ("?" + "&".join(qualifiers) if qualifiers else "")
    return {"type": "library", "bom-ref": purl, "group": group, "name": artifact, "version": version, "purl": purl}


def debian(line, where):
    parts = line.split("\t")
    if len(parts) != 3 or not all(parts):
        sys.exit(f"sbom.py: {where}: not package<TAB>version<TAB>architecture: {line!r}")
    name, version, arch = parts
    purl = f"pkg:deb/debian/{name}@{version}?arch={arch}"
    return {"type": "library", "bom-ref": purl, "name": name, "version": version, "purl": purl}


def read(path, parse):
    with open(path, encoding="utf-8") as f:
        return [parse(line.rstrip("\n"), f"{path}:{n}") for n, line in enumerate(f, 1) if line.strip()]


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("name", "version", "revision", "created", "dependencies", "packages"):
        args.add_argument("--" + name, required=True)
    a = args.parse_args()
    components = read(a.dependencies, maven) + read(a.packages, debian)
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        # the same inputs give the same document: its serial number is derived from them
        "serialNumber": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"failover/{a.name}@{a.version}+{a.revision}"
                                                     + "".join(c["purl"] for c in components))),
        "version": 1,
        "metadata": {
            "timestamp": a.created,
            "tools": {"components": [{"type": "application", "name": "scripts/sbom.py"}]},
            "component": {"type": "container", "bom-ref": f"failover/{a.name}", "name": f"failover/{a.name}",
                          "version": a.version,
                          "properties": [{"name": "org.opencontainers.image.revision", "value": a.revision}]},
        },
        "components": components,
    }
    json.dump(bom, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
