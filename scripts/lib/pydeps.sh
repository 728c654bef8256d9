# Shared by the peer scripts (scripts/ci-peers.sh, scripts/peers-large.sh,
# benches/peers/run.sh); POSIX sh, to be sourced.
#
# pydeps_ensure WHO PY MODULES PKGS: if PY cannot import every module of
# MODULES (a Python import list, e.g. "ot, scipy"), install the Debian
# packages PKGS with apt-get when running as root, else print the command to
# run and exit 2. WHO prefixes the messages (stderr). Returns once PY
# imports MODULES; exits 2 if the install did not make them importable.
pydeps_ensure() {
	_who=$1 _py=$2 _mods=$3 _pkgs=$4
	if "$_py" -c "import $_mods" >/dev/null 2>&1; then
		return 0
	fi
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "$_who: installing $_pkgs" >&2
		apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $_pkgs >/dev/null || {
			echo "$_who: apt-get install $_pkgs failed" >&2
			exit 2
		}
		if ! "$_py" -c "import $_mods" >/dev/null 2>&1; then
			echo "$_who: $_py still cannot import $_mods after installing $_pkgs" >&2
			exit 2
		fi
	else
		echo "$_who: $_py cannot import $_mods; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y $_pkgs" >&2
		exit 2
	fi
}
