/// The accounting page's own verifier: it checks the receipts embedded in the page (or a bundle
/// file the person opens) on the person's machine, with the browser's Web Crypto (SHA-256,
/// Ed25519) and no server call, following `docs/receipt-bundle.md`: the checkpoint's signature,
/// each line's inclusion proof and subject, and the witnesses' cosignatures and quorum. Each
/// line of the report says "checked" or why it failed, and the top of the page says whether the
/// whole holds.
enum ReceiptCheckScript {
    static let source = #"""
        "use strict";
        const DiscreetReceipts = (() => {
          const enc = new TextEncoder();
          const b64 = (s) => { const t = atob(s); const o = new Uint8Array(t.length); for (let i = 0; i < t.length; i++) o[i] = t.charCodeAt(i); return o; };
          const join = (...parts) => { const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let at = 0; for (const p of parts) { o.set(p, at); at += p.length; } return o; };
          const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
          const sha256 = async (b) => new Uint8Array(await crypto.subtle.digest("SHA-256", b));
          const ed25519 = async (pub, sig, msg) => {
            const key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
            return crypto.subtle.verify({ name: "Ed25519" }, key, sig, msg);
          };
          // <name>+<hex key ID>+<base64(type || key)>, its key ID recomputed.
          const vkey = async (text, type) => {
            const p = (text || "").split("+");
            if (p.length !== 3) return null;
            const raw = b64(p[2]);
            if (raw.length !== 33 || raw[0] !== type) return null;
            const id = (await sha256(join(enc.encode(p[0] + "\n"), raw))).slice(0, 4);
            const hex = Array.from(id, (x) => x.toString(16).padStart(2, "0")).join("");
            return hex === p[1].toLowerCase() ? { name: p[0], id, pub: raw.slice(1) } : null;
          };
          const split = (note) => {
            const i = note.lastIndexOf("\n\n");
            return i < 0 ? null : { body: note.slice(0, i + 1), lines: note.slice(i + 2).split("\n").filter((l) => l) };
          };
          // The blob of the signature line of `key`, or null.
          const line = (lines, key) => {
            for (const l of lines) {
              if (!l.startsWith("\u2014 ")) continue;
              const [name, sig] = l.slice(2).split(" ");
              if (name !== key.name || !sig) continue;
              const blob = b64(sig);
              if (same(blob.slice(0, 4), key.id)) return blob;
            }
            return null;
          };
          const node = (l, r) => sha256(join(new Uint8Array([1]), l, r));
          // RFC 9162 2.1.3.2.
          const included = async (leaf, index, size, proof, root) => {
            if (index >= size) return false;
            let fn = index, sn = size - 1n, r = leaf;
            for (const p of proof) {
              if (sn === 0n) return false;
              if ((fn & 1n) === 1n || fn === sn) {
                r = await node(p, r);
                if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
              } else {
                r = await node(r, p);
              }
              fn >>= 1n; sn >>= 1n;
            }
            return sn === 0n && same(r, root);
          };
          const policy = async (text) => {
            const witnesses = new Map(), groups = new Map();
            let quorum = "none";
            for (const raw of (text || "").split("\n")) {
              const w = raw.split("#")[0].trim().split(/\s+/).filter((x) => x);
              if (w[0] === "witness" && w.length >= 3) witnesses.set(w[1], await vkey(w[2], 4));
              if (w[0] === "group" && w.length >= 4) groups.set(w[1], { threshold: w[2], members: w.slice(3) });
              if (w[0] === "quorum" && w.length === 2) quorum = w[1];
            }
            return { witnesses, groups, quorum };
          };
          const satisfied = (p, name, cosigned) => {
            if (name === "none") return true;
            if (p.witnesses.has(name)) return cosigned.has(name);
            const g = p.groups.get(name);
            if (!g) return false;
            const met = g.members.filter((m) => satisfied(p, m, cosigned)).length;
            return g.threshold === "all" ? met === g.members.length : g.threshold === "any" ? met >= 1 : met >= Number(g.threshold);
          };
          const check = async (bundle) => {
            if (!bundle || bundle.format !== "discreet-receipts/v1") throw new Error("this is not a receipt bundle");
            const log = await vkey(bundle.log_key, 1);
            const note = split(bundle.checkpoint || "");
            if (!log || !note) throw new Error("the checkpoint or the log's key cannot be read");
            const [origin, sizeText, rootText] = note.body.split("\n");
            const size = BigInt(sizeText), root = b64(rootText);
            const logBlob = line(note.lines, log);
            const signed = !!logBlob && (await ed25519(log.pub, logBlob.slice(4), enc.encode(note.body)));
            const entries = new Map();
            for (const e of bundle.entries || []) {
              let reason = null;
              const bytes = b64(e.entry);
              if (!signed) reason = "the checkpoint's signature does not verify";
              else if (!(await included(await sha256(join(new Uint8Array([0]), bytes)), BigInt(e.ledger_index), size, (e.proof || []).map(b64), root)))
                reason = "its inclusion proof does not lead to the checkpoint's root";
              else if (bundle.subject) {
                let about = null;
                try { about = JSON.parse(new TextDecoder().decode(bytes)).subject; } catch (_) {}
                if (about !== bundle.subject) reason = "it is not about " + bundle.subject;
              }
              entries.set(String(e.ledger_index), { ok: reason === null, reason });
            }
            let witnesses = null;
            if (bundle.witness_policy) {
              const p = await policy(bundle.witness_policy);
              const cosigned = new Set(), failed = new Set();
              for (const [name, key] of p.witnesses) {
                const blob = key && line(note.lines, key);
                if (!blob) continue;
                const time = blob.slice(4, 12).reduce((t, x) => t * 256n + BigInt(x), 0n);
                const message = join(enc.encode("cosignature/v1\ntime " + time + "\n"), enc.encode(note.body));
                if (blob.length === 76 && (await ed25519(key.pub, blob.slice(12), message))) cosigned.add(name); else failed.add(name);
              }
              witnesses = { cosigned: [...cosigned], failed: [...failed], quorum: p.quorum, met: satisfied(p, p.quorum, cosigned) };
            }
            return { origin, size, signed, log: log.name, entries, witnesses };
          };
          const words = (r, lines, what = "report") => {
            const broken = "THIS " + what.toUpperCase() + "'S PROOF FAILED: ";
            const failed = lines.filter((l) => !l.ok).length;
            const w = r.witnesses;
            if (!r.signed) return ["failed", broken + "the checkpoint's signature by " + r.log + " does not verify."];
            if (failed > 0) return ["failed", broken + failed + " of " + lines.length + " lines could not be checked (marked below)."];
            if (w && w.failed.length > 0) return ["failed", broken + "the cosignature of " + w.failed.join(", ") + " does not verify."];
            if (lines.length === 0) return ["checked", "There is no line to check; the checkpoint below is signed by the key " + r.log + "."];
            const base = "Every line of this " + what + " was checked on this computer: each is in the ledger under checkpoint " + r.size + " below, signed by the key " + r.log;
            if (!w) return ["checked", base + ". Compare that key with the one the professional publishes."];
            if (!w.met) return ["warn", base + "; the witnesses' quorum (" + w.quorum + ") has not cosigned it yet. Fetch the report again later."];
            return ["checked", base + ", and cosigned by " + w.cosigned.join(", ") + " (quorum " + w.quorum + " met). Compare the keys with those the professional and the witnesses publish."];
          };
          return { check, words };
        })();

        (async () => {
          const status = document.getElementById("proof-status");
          const show = (el, cls, text) => { el.className = cls; el.textContent = text; };
          try {
            const r = await DiscreetReceipts.check(JSON.parse(document.getElementById("discreet-receipts").textContent));
            const lines = [];
            for (const cell of document.querySelectorAll("td.proof")) {
              const e = r.entries.get(cell.dataset.index) || { ok: false, reason: "no proof of it is in this report" };
              lines.push(e);
              show(cell, e.ok ? "proof checked" : "proof failed", e.ok ? "checked" : "failed: " + e.reason);
            }
            const [cls, text] = DiscreetReceipts.words(r, lines);
            show(status, cls, text);
          } catch (e) {
            show(status, "failed", "THIS REPORT'S PROOF FAILED: " + e.message + ".");
          }
          const input = document.getElementById("bundle-file");
          if (input) input.addEventListener("change", async () => {
            const out = document.getElementById("bundle-result");
            try {
              const r = await DiscreetReceipts.check(JSON.parse(await input.files[0].text()));
              const lines = [...r.entries.values()];
              const [cls, text] = DiscreetReceipts.words(r, lines, "file");
              out.replaceChildren();
              const head = document.createElement("p"); show(head, cls, text); out.append(head);
              for (const [index, e] of r.entries) {
                const p = document.createElement("p");
                show(p, e.ok ? "proof checked" : "proof failed", "ledger no. " + index + ": " + (e.ok ? "checked" : "failed: " + e.reason));
                out.append(p);
              }
            } catch (e) {
              out.replaceChildren(); const p = document.createElement("p"); show(p, "failed", "That file could not be checked: " + e.message + "."); out.append(p);
            }
          });
        })();
        """#
}
