// The TLS provider every listener shares: current contexts by server name, options for servers and STARTTLS,
// and a periodic check that swaps in changed certificate files without touching open connections.
import { EventEmitter } from 'node:events';
import { isIP, type Socket } from 'node:net';
import { createServer, type SecureContext, type Server, type TLSSocket, type TlsOptions } from 'node:tls';
import { createLogger, type Logger } from '@mail/log';
import { buildContext, contextOptions, protocolSettings, type ProtocolSettings } from './context.js';
import { DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_RELOAD_INTERVAL, EXPIRY_WARNING } from './defaults.js';
import { fileList, loadCertificate, type CertificateFiles, type CertificateInfo, type LoadedCertificate } from './load.js';
import { ensureSelfSigned, type SelfSignedOptions } from './selfsigned.js';
import { checkMinVersion, resolveCertificates, type CertificateSpec, type TlsSettings } from './settings.js';
import { SniTable } from './sni.js';
import { sameStamps, stampFiles, type FileStamp } from './stamps.js';
import { upgradeSocket, type UpgradeOptions } from './upgrade.js';

export interface TlsProviderOptions {
  /** The `tls` section of the configuration. */
  tls: TlsSettings;
  /** The server's host name: the default certificate is for it. */
  hostname: string;
  /** The state directory (config.paths.data); the development certificate lives in its `tls/` folder. */
  dataDir: string;
  log?: Logger;
  /** Validity settings of the development certificate. */
  selfSigned?: SelfSignedOptions;
}

/** A certificate the provider serves, as `certificates()` and the events report it. */
export interface ServedCertificate {
  /** The SNI name or pattern, or the host name for the default certificate. */
  name: string;
  isDefault: boolean;
  files: CertificateFiles;
  certificate: CertificateInfo;
}

export type ReloadEvent = ServedCertificate;

export interface ReloadErrorEvent {
  name: string;
  isDefault: boolean;
  files: CertificateFiles;
  /** What is wrong with the new files; the previous certificate stays in use. */
  error: Error;
}

export interface TlsProviderEvents {
  /** New certificate files were loaded; connections from now on get them. */
  reload: [ReloadEvent];
  /** Changed certificate files could not be used; the previous certificate stays in use. */
  reloadError: [ReloadErrorEvent];
}

interface Entry {
  spec: CertificateSpec;
  current: LoadedCertificate;
  context: SecureContext;
  /** Stamps of files that failed to load, so that one bad deployment is reported once, not at every check. */
  failed?: FileStamp[];
}

const RENEW_SELF_SIGNED = 30 * 86_400_000;

export class TlsProvider extends EventEmitter<TlsProviderEvents> {
  private readonly sni = new SniTable<Entry>();
  private readonly servers = new Set<Server>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private closed = false;

  /** Use `createTlsProvider`. */
  constructor(
    private readonly defaultEntry: Entry,
    private readonly entries: readonly Entry[],
    private readonly protocol: ProtocolSettings,
    private readonly interval: number,
    private readonly log: Logger,
  ) {
    super();
    for (const e of entries) if (!e.spec.isDefault) this.sni.set(e.spec.name, e);
    this.schedule();
  }

  /**
   * Options for `tls.createServer` or `new tls.TLSSocket(socket, { isServer: true, ... })`: the current default
   * certificate (as PEM for servers, as `secureContext` for sockets), an SNICallback that always picks the current
   * certificate for the requested name, and the protocol settings. Take them afresh for each new socket; a server
   * made from them is kept current by `attach` (or use `createServer`).
   */
  serverOptions(): TlsOptions {
    return {
      ...contextOptions(this.defaultEntry.current, this.protocol),
      secureContext: this.defaultEntry.context,
      SNICallback: this.sniCallback,
      handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT,
    };
  }

  /** The context for a server name: exact SNI entry, then a `*.` wildcard one label up, then the default. */
  contextFor(servername?: string): SecureContext {
    return (this.sni.lookup(servername) ?? this.defaultEntry).context;
  }

  /** The certificate a client asking for `servername` gets. */
  certificateFor(servername?: string): CertificateInfo {
    return (this.sni.lookup(servername) ?? this.defaultEntry).current.info;
  }

  /** Every certificate served, the default first. */
  certificates(): ServedCertificate[] {
    return this.entries.map(served);
  }

  /** An implicit-TLS server (ports 465, 993, 995) that follows certificate reloads. */
  createServer(listener?: (socket: TLSSocket) => void, options: TlsOptions = {}): Server {
    const server = createServer({ ...this.serverOptions(), ...options }, listener);
    this.attach(server);
    return server;
  }

  /**
   * Keeps a `tls.Server` made from `serverOptions()` current: clients without SNI are served from the server's own
   * context, which is replaced (`setSecureContext`) now and whenever the default certificate is reloaded; context
   * options the server was given beyond `serverOptions()` (its own cipher list, say) are replaced with the provider's.
   */
  attach(server: Server): void {
    if (this.servers.has(server) || this.closed) return;
    this.servers.add(server);
    server.once('close', () => this.servers.delete(server));
    // The server may have been made from options taken before the latest reload.
    server.setSecureContext(contextOptions(this.defaultEntry.current, this.protocol));
  }

  /** STARTTLS/STLS: wraps a plaintext socket and resolves after the handshake (see `upgradeSocket`). */
  upgrade(socket: Socket, options: UpgradeOptions = {}): Promise<TLSSocket> {
    return upgradeSocket(socket, this.serverOptions(), options);
  }

  /**
   * Checks every certificate's files now and loads those that changed; a failed load keeps the previous certificate.
   * Runs by itself every `reloadInterval`; call it on SIGHUP for an immediate check.
   */
  reload(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Stops the periodic check. Open connections and servers are left alone. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.servers.clear();
  }

  private readonly sniCallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
    cb(null, this.contextFor(servername));
  };

  private schedule(): void {
    if (this.closed || this.interval <= 0) return;
    this.timer = setTimeout(() => {
      this.reload()
        .catch((err: unknown) => this.log.error({ err }, 'certificate check failed'))
        .finally(() => this.schedule());
    }, this.interval);
    this.timer.unref();
  }

  private async checkAll(): Promise<void> {
    for (const entry of this.entries) {
      if (this.closed) return;
      await this.renewSelfSigned(entry);
      const now = await stampFiles(fileList(entry.spec.files));
      if (sameStamps(now, entry.current.stamps) || sameStamps(now, entry.failed)) continue;
      try {
        const next = await loadCertificate(entry.spec.files);
        const context = buildContext(next, this.protocol);
        if (this.closed) return;
        entry.current = next;
        entry.context = context;
        entry.failed = undefined;
        if (entry.spec.isDefault) this.refreshServers();
        reportLoaded(this.log, entry, 'certificate reloaded');
        this.emit('reload', served(entry));
      } catch (err) {
        entry.failed = now;
        const error = err instanceof Error ? err : new Error(String(err));
        this.log.error({ certName: entry.spec.name, err: error }, 'new certificate files not loaded; the previous certificate stays in use');
        this.emit('reloadError', { name: entry.spec.name, isDefault: entry.spec.isDefault, files: entry.spec.files, error });
      }
    }
  }

  /** The development certificate is replaced before it expires, in place; the next check then loads it. */
  private async renewSelfSigned(entry: Entry): Promise<void> {
    const s = entry.spec.selfSigned;
    if (!s || entry.current.info.notAfter.getTime() - RENEW_SELF_SIGNED > Date.now()) return;
    try {
      await ensureSelfSigned(s.dir, s.hostname, s.options);
    } catch (err) {
      this.log.error({ err, dir: s.dir }, 'development certificate could not be renewed');
    }
  }

  private refreshServers(): void {
    const options = contextOptions(this.defaultEntry.current, this.protocol);
    for (const server of this.servers) {
      try {
        server.setSecureContext(options);
      } catch (err) {
        this.log.error({ err }, 'server context not replaced');
      }
    }
  }
}

function served(entry: Entry): ServedCertificate {
  return { name: entry.spec.name, isDefault: entry.spec.isDefault, files: entry.current.files, certificate: entry.current.info };
}

function reportLoaded(log: Logger, entry: Entry, msg: string): void {
  const { info, keyMode, leaf, files } = entry.current;
  const name = entry.spec.name;
  log.info(
    { certName: name, subject: info.subject, altNames: info.altNames, notAfter: info.notAfter.toISOString(), fingerprint256: info.fingerprint256, cert: files.cert },
    msg,
  );
  const left = info.notAfter.getTime() - Date.now();
  if (left <= 0) log.error({ certName: name, cert: files.cert, notAfter: info.notAfter.toISOString() }, 'certificate has expired');
  else if (left < EXPIRY_WARNING) log.warn({ certName: name, cert: files.cert, notAfter: info.notAfter.toISOString() }, 'certificate expires soon');
  if (info.notBefore.getTime() > Date.now()) log.warn({ certName: name, cert: files.cert, notBefore: info.notBefore.toISOString() }, 'certificate is not valid yet');
  if ((keyMode & 0o077) !== 0) log.warn({ certName: name, key: files.key, mode: keyMode.toString(8) }, 'private key file is readable by group or others; use mode 0600');
  // A wildcard SNI entry may legitimately hold a certificate for several exact names; only exact names are checked.
  const covered = isIP(name) ? leaf.checkIP(name) !== undefined : leaf.checkHost(name) !== undefined;
  if (!name.startsWith('*.') && !covered) {
    log.warn({ certName: name, cert: files.cert, altNames: info.altNames }, 'certificate does not cover this name');
  }
}

/**
 * Loads every configured certificate (generating the development one if asked), checks the protocol settings, and
 * starts watching the files. Throws a TlsConfigError, CertificateFileError or KeyMismatchError naming what is wrong.
 */
export async function createTlsProvider(options: TlsProviderOptions): Promise<TlsProvider> {
  const log = options.log ?? createLogger('tls');
  const protocol = protocolSettings(checkMinVersion(options.tls.minVersion), options.tls.ciphers);
  const specs = await resolveCertificates(options.tls, options.hostname, options.dataDir, options.selfSigned);
  const entries: Entry[] = [];
  for (const spec of specs) {
    const current = await loadCertificate(spec.files);
    const entry: Entry = { spec, current, context: buildContext(current, protocol) };
    reportLoaded(log, entry, 'certificate loaded');
    entries.push(entry);
  }
  const interval = options.tls.reloadInterval ?? DEFAULT_RELOAD_INTERVAL;
  return new TlsProvider(entries[0] as Entry, entries, protocol, interval, log);
}
