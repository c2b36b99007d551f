#!/usr/bin/env bash
# Installs smsbridge as a service on a Raspberry Pi (or any systemd Linux). Run as root:
#   sudo bash scripts/install.sh            # from a checkout (npm ci && npm run build first)
# It creates the `smsbridge` user (in `dialout`, which owns /dev/ttyUSB*), /etc/smsbridge with an
# example configuration, /var/lib/smsbridge for the store, and the systemd unit; it tells
# ModemManager to leave the modem alone, since two programs on one AT port corrupt each other.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)"; exit 2; }
command -v node >/dev/null || { echo "Node.js 20 or newer is needed: apt-get install nodejs"; exit 2; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "Node.js $major is too old: 20 or newer is needed"; exit 2; }
[ -f "$here/dist/cli/main.js" ] || { echo "build first: (cd $here && npm ci && npm run build)"; exit 2; }

id smsbridge >/dev/null 2>&1 || useradd --system --home /var/lib/smsbridge --shell /usr/sbin/nologin smsbridge
usermod -a -G dialout smsbridge

install -d -m 0755 /etc/smsbridge
install -d -o smsbridge -g smsbridge -m 0750 /var/lib/smsbridge
if [ ! -f /etc/smsbridge/smsbridge.yaml ]; then
  install -m 0644 "$here/config.example.yaml" /etc/smsbridge/smsbridge.yaml
  sed -i 's|^\(\s*path:\s*\).*smsbridge.db.*|\1/var/lib/smsbridge/smsbridge.db|' /etc/smsbridge/smsbridge.yaml
fi
[ -f /etc/smsbridge/env ] || install -m 0600 /dev/null /etc/smsbridge/env

ln -sf "$here/dist/cli/main.js" /usr/local/bin/smsbridge
chmod +x "$here/dist/cli/main.js"

# ModemManager probes every ttyUSB and grabs modems; keep it off ours (udev tag), or stop it.
if systemctl is-active --quiet ModemManager 2>/dev/null; then
  cat > /etc/udev/rules.d/77-smsbridge-mm-ignore.rules <<'RULES'
# smsbridge owns the modem's AT port: ModemManager must not probe it.
ACTION=="add|change|move", SUBSYSTEM=="tty", ATTRS{idVendor}=="2c7c|1e0e|12d1|1199|1bc7|1546", ENV{ID_MM_DEVICE_IGNORE}="1"
RULES
  udevadm control --reload-rules && udevadm trigger --subsystem-match=tty || true
  echo "ModemManager is running: told it (udev) to ignore cellular modems. Or: systemctl disable --now ModemManager"
fi

install -m 0644 "$here/scripts/smsbridge.service" /etc/systemd/system/smsbridge.service
systemctl daemon-reload
systemctl enable smsbridge.service
echo "installed. Edit /etc/smsbridge/smsbridge.yaml (port: auto finds the modem), then: systemctl start smsbridge; journalctl -u smsbridge -f"
