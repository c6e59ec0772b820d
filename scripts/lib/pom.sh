# Sourced by sh or bash scripts (images.sh, compose-demo.sh, set-version.sh): what the root pom says, read without
# Maven, which a script that only builds images or sets a version must not need.

# pom_version [POM]: the project's version, the root pom's own <version> (two spaces in)
pom_version() {
  sed -n 's|^  <version>\(.*\)</version>$|\1|p' "${1:-pom.xml}" | head -n 1
}

# pom_property NAME [POM]: the value of the property <NAME> of the root pom
pom_property() {
  sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" "${2:-pom.xml}" | head -n 1
}
