// Attachments: a download needs the bearer token, so files are fetched by the client and shown
// through blob: URLs (allowed by the page's Content-Security-Policy), each fetched once.
export class Files {
  #client;
  #urls = new Map();

  constructor(client) {
    this.#client = client;
  }

  /** A blob: URL of the file (fetched on first use). */
  url(fileId) {
    if (!this.#urls.has(fileId)) {
      const p = this.#client.download(fileId).then((blob) => URL.createObjectURL(blob));
      p.catch(() => this.#urls.delete(fileId));
      this.#urls.set(fileId, p);
    }
    return this.#urls.get(fileId);
  }

  /** Saves the file under its name. */
  async save(file) {
    const a = document.createElement('a');
    a.href = await this.url(file.id);
    a.download = file.name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  }

  dispose() {
    for (const p of this.#urls.values()) p.then((u) => URL.revokeObjectURL(u), () => {});
    this.#urls.clear();
  }
}
