/**
 * Where cover variants live: GridFS in the properties service's own database, so that every
 * replica serves every cover and nothing depends on a node's disk.
 *
 * One GridFS file per variant, named `<key>/<width>.webp`. Chunks are 64 KiB rather than the
 * default 255 KiB: a served file travels from this service to the gateway as a stream, one
 * transporter message per chunk, and the JSON serializer writes a Buffer as an array of numbers
 * (about 3.6 bytes per byte): 64 KiB chunks stay far below NATS' 1 MiB message limit.
 *
 * Checked on FerretDB 1.24 (SQLite backend) as on MongoDB: uploads, downloads, deletes and both
 * GridFS indexes (a unique one on chunks) work.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mongoose, { type Connection } from "mongoose";
import type { CoverVariant } from "../../../shared/images/cover-pipeline";

export interface StoredCover {
	/** The WebP file; nothing is read from the database until the stream is consumed. */
	data: Readable;
	length: number;
	/** A strong validator, quoted as the `ETag` header wants it. */
	etag: string;
}

interface VariantMetadata {
	key: string;
	width: number;
	height: number;
	sha256: string;
}

const BUCKET = "covers";
const CHUNK_BYTES = 64 * 1024;
/** Keys are `newPublicCode()` values: 26 Crockford base32 characters. */
const KEY_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const WIDTH_PATTERN = /^[1-9][0-9]{0,3}$/;

const fileName = (key: string, width: number) => `${key}/${width}.webp`;

export class CoverStore {
	constructor(private readonly connection: Connection) {}

	/** The database handle exists only once the connection is open, hence the lazy lookup. */
	private get db() {
		const db = this.connection.db;
		if (!db) throw new Error("CoverStore used before its database connection opened");
		return db;
	}

	private get bucket() {
		return new mongoose.mongo.GridFSBucket(this.db, {
			bucketName: BUCKET,
			chunkSizeBytes: CHUNK_BYTES,
		});
	}

	private get files() {
		return this.db.collection(`${BUCKET}.files`);
	}

	private get chunks() {
		return this.db.collection(`${BUCKET}.chunks`);
	}

	/**
	 * Creates the indexes GridFS relies on. GridFS would create them on the first upload, but
	 * silently; created at start, a server that refuses them stops the service instead.
	 */
	async ensureIndexes(): Promise<void> {
		await this.files.createIndex({ filename: 1, uploadDate: 1 });
		await this.chunks.createIndex({ files_id: 1, n: 1 }, { unique: true });
	}

	/** Stores every variant under `key`; on failure, whatever was written is removed again. */
	async save(key: string, variants: CoverVariant[]): Promise<void> {
		if (!KEY_PATTERN.test(key)) throw new Error(`Invalid cover key '${key}'`);
		try {
			for (const variant of variants) {
				const metadata: VariantMetadata = {
					key,
					width: variant.width,
					height: variant.height,
					sha256: createHash("sha256").update(variant.data).digest("hex"),
				};
				const upload = this.bucket.openUploadStream(fileName(key, variant.width), {
					metadata,
				});
				await pipeline(Readable.from([variant.data]), upload);
			}
		} catch (err) {
			await this.remove(key).catch(() => undefined);
			throw err;
		}
	}

	/** Deletes every variant of `key`; removing an unknown key does nothing. */
	async remove(key: string): Promise<void> {
		if (!KEY_PATTERN.test(key)) return;
		const files = await this.files
			.find({ filename: { $regex: `^${key}/` } }, { projection: { _id: 1 } })
			.toArray();
		if (files.length === 0) return;
		const ids = files.map((file) => file._id);
		// The file documents first: from then on no reader finds the variant.
		await this.files.deleteMany({ _id: { $in: ids } });
		await this.chunks.deleteMany({ files_id: { $in: ids } });
	}

	/** One variant, or null when the key or width is unknown (or not a valid one at all). */
	async read(key: string, width: number | string): Promise<StoredCover | null> {
		if (!KEY_PATTERN.test(key) || !WIDTH_PATTERN.test(String(width))) return null;
		const file = await this.files.findOne({ filename: fileName(key, Number(width)) });
		if (!file) return null;
		const metadata = file.metadata as VariantMetadata;
		return {
			data: this.bucket.openDownloadStream(file._id),
			length: file.length as number,
			etag: `"${metadata.sha256.slice(0, 32)}"`,
		};
	}
}
