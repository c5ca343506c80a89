#!/usr/bin/env bash
# Create the random secrets the Cloud VM needs, never overwriting one that exists.
#
#   secrets/generate.sh [DIR]      default: the folder this script is in
#
# Generated: postgres_password, odoo_db_password, odoo_admin_passwd (32 random bytes,
# base64url) and vault_deploy_key (ed25519; add the printed public key to the vault remote).
# Provided by you: imap_password (the mailbox's app password) and odoo_drafter_key (an API
# key of a drafting-only Odoo user). Files are 0444 in a 0700 folder: compose bind-mounts
# each file, so the containers' own users can read it while other host users cannot.
set -euo pipefail
umask 077

dir="${1:-$(cd "$(dirname "$0")" && pwd)}"
mkdir -p "$dir"
chmod 0700 "$dir"

random_secret() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

for name in postgres_password odoo_db_password odoo_admin_passwd; do
  if [[ -e "$dir/$name" ]]; then
    echo "kept      $name"
  else
    random_secret >"$dir/$name.tmp"
    chmod 0444 "$dir/$name.tmp"
    mv "$dir/$name.tmp" "$dir/$name"
    echo "generated $name"
  fi
done

if [[ -e "$dir/vault_deploy_key" ]]; then
  echo "kept      vault_deploy_key"
elif command -v ssh-keygen >/dev/null 2>&1; then
  ssh-keygen -q -t ed25519 -N '' -C platinum-cloud -f "$dir/vault_deploy_key"
  chmod 0444 "$dir/vault_deploy_key"
  echo "generated vault_deploy_key; add this public key to the vault remote:"
  cat "$dir/vault_deploy_key.pub"
else
  echo "missing   vault_deploy_key (no ssh-keygen here: create an ed25519 key yourself)"
fi

for name in imap_password odoo_drafter_key; do
  if [[ -e "$dir/$name" ]]; then echo "kept      $name"; else echo "missing   $name (provide it)"; fi
done
