import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/**
 * Debian's Dovecot as a real IMAP server for tests: a throw-away config in a
 * temporary folder (plain-text login on loopback, maildir, one user per
 * passwd-file line), started in the foreground and stopped after. CI installs
 * it (`apt-get install dovecot-imapd`); without it the test fails, saying so.
 */
export const DOVECOT = process.env.DOVECOT_PATH ?? "/usr/sbin/dovecot";

export interface Dovecot {
  port: number;
  users: { user: string; password: string }[];
  stop(): Promise<void>;
}

function idsOf(user: string): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user: is dovecot-imapd installed?`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}):\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}:\n${log()}`);
}

export async function startDovecot(users: { user: string; password: string }[]): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) {
    throw new Error(`Dovecot is not installed at ${DOVECOT}: apt-get install -y dovecot-imapd (the IMAP intake tests need a real IMAP server)`);
  }
  const dir = mkdtempSync(join(tmpdir(), "usher-dovecot-"));
  // Dovecot's login processes run as an unprivileged user and must reach the sockets under it.
  chmodSync(dir, 0o755);
  for (const sub of ["run", "state", "mail"]) mkdirSync(join(dir, sub));
  const me = userInfo();
  // Dovecot refuses to give mail to uid 0: as root, the mail belongs to its own "dovecot" user.
  const mailUser = me.uid === 0 ? idsOf("dovecot") : { uid: me.uid, gid: me.gid };
  if (me.uid === 0) chownSync(join(dir, "mail"), mailUser.uid, mailUser.gid);
  const port = await freePort();
  writeFileSync(join(dir, "users"), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::`).join("\n") + "\n");
  const runAs = me.uid === 0 ? "dovenull" : me.username;
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
mail_location = maildir:${dir}/mail/%u
default_login_user = ${runAs}
default_internal_user = ${me.uid === 0 ? "dovecot" : me.username}
default_internal_group = ${me.uid === 0 ? "dovecot" : me.username}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUser.uid} gid=${mailUser.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
  writeFileSync(join(dir, "dovecot.conf"), conf);
  const child = spawn(DOVECOT, ["-F", "-c", join(dir, "dovecot.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const log = () => {
    let file = "";
    try {
      file = readFileSync(join(dir, "dovecot.log"), "utf8");
    } catch {}
    return `${output}\n${file}`;
  };
  await waitForPort(port, child, log);
  return {
    port,
    users,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      if (!process.env.KEEP_DOVECOT) rmSync(dir, { recursive: true, force: true });
    },
  };
}
