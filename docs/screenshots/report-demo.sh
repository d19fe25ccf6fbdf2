#!/usr/bin/env bash
# Builds a small demo store from synthetic texts (made-up handles and numbers), writes the case
# report of its one network and, when Chromium is installed, a screenshot of it:
#   bash docs/screenshots/report-demo.sh [OUT_DIR]    (default: a temporary directory)
# The report is docs/screenshots/report.png in the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
cargo build -q --release -p redflag-cli --manifest-path "$root/Cargo.toml"
rf="$root/target/release/redflag"
cd "$out"
rm -f demo.db demo.db-wal demo.db-shm
month() { # month FILE TIME
  "$rf" ingest "$1" --db demo.db --org ngo-demo --observed-at "$2" >/dev/null
}
cat > jan.jsonl <<'J'
{"id":"d1","text":"URGENT HIRING customer service in Myawaddy, salary 1500 USD, free visa and flight, no experience needed. Telegram @mw_recruit_hr or WhatsApp +66 92 555 0101"}
{"id":"d2","text":"รับสมัครด่วน งานแอดมินออนไลน์ เงินเดือน 40000 บาท ที่เมียวดี ไม่ต้องมีประสบการณ์ ติดต่อ Telegram @mw_recruit_hr"}
J
cat > feb.jsonl <<'J'
{"id":"d3","text":"URGENT HIRING customer service in Myawaddy, salary 1700 USD, free visa and flight, no experience needed. Telegram @mw_recruit_hr or WhatsApp +66 92 555 0177"}
{"id":"d4","text":"高薪招聘 客服 打字员 妙瓦底 月薪 2000 美金 包吃包住 机票报销 联系 Telegram @mw_recruit_hr <b>急</b>"}
J
cat > apr.jsonl <<'J'
{"id":"d5","text":"Easy typing job, no experience needed <script>alert(1)</script> high commission, send your passport copy. WhatsApp +66 92 555 0177, deposit USDT to TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"}
J
cat > jun.jsonl <<'J'
{"id":"d6","text":"URGENT HIRING customer service in Poipet, salary 1800 USD, free visa and flight, no experience needed. Telegram @pp_team_hr or WhatsApp +855 97 234 5678"}
{"id":"d7","text":"Tuyển gấp nhân viên chăm sóc khách hàng tại Poipet, lương 1800 USD, bao vé máy bay. Liên hệ Telegram @pp_team_hr, Zalo +855 97 234 5678"}
J
month jan.jsonl 2025-01-14T10:00:00+06:30
month feb.jsonl 2025-02-20T09:00:00+07:00
month apr.jsonl 2025-04-03T18:00:00+07:00
month jun.jsonl 2025-06-11T08:30:00+07:00
"$rf" cluster --db demo.db --org ngo-demo >/dev/null
"$rf" report --cluster 1 --db demo.db --org ngo-demo --out report.html
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1100,2600 --screenshot="$out/report.png" "file://$out/report.html" 2>/dev/null
  echo "screenshot: $out/report.png"
fi
echo "report: $out/report.html"
