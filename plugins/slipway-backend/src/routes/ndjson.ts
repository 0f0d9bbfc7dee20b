import express, { Request } from 'express';
import { wantsStream } from './params';

/** Where a followed job comes from: its record, whether it ended, and its log after an id. */
export type FollowedJob<TJob, TLine extends { id: number }> = {
  /** The record's key in each NDJSON object: `deployment` or `job`. */
  type: string;
  get(): Promise<TJob>;
  isFinal(job: TJob): boolean;
  logs(after: number): Promise<TLine[]>;
  pollMs: number;
};

/**
 * Streams a job as NDJSON: its record, every log line as it is written, then the final record.
 * Reads the database, so a client of any replica follows a job run by any other.
 */
export async function followAsNdjson<TJob, TLine extends { id: number }>(
  req: Request,
  res: express.Response,
  source: FollowedJob<TJob, TLine>,
) {
  res.status(200).setHeader('Content-Type', 'application/x-ndjson');
  res.setHeader('Cache-Control', 'no-cache');
  res.flushHeaders();
  let closed = false;
  req.on('close', () => {
    closed = true;
  });
  const write = (value: object) => res.write(`${JSON.stringify(value)}\n`);
  write({ type: source.type, [source.type]: await source.get() });
  let after = 0;
  const drain = async () => {
    const lines = await source.logs(after);
    for (const line of lines) write({ type: 'log', ...line });
    if (lines.length) after = lines[lines.length - 1].id;
  };
  while (!closed) {
    await drain();
    const current = await source.get();
    if (source.isFinal(current)) {
      await drain();
      write({ type: 'end', [source.type]: current });
      break;
    }
    await new Promise(r => setTimeout(r, source.pollMs));
  }
  res.end();
}

/**
 * A job's record with its log, or the job followed live as NDJSON when the client asks for it
 * (`?follow=true` or an NDJSON `Accept`). A job that does not exist is a 404 either way.
 */
export async function sendJob<TJob, TLine extends { id: number }>(
  req: Request,
  res: express.Response,
  source: FollowedJob<TJob, TLine>,
) {
  const job = await source.get();
  if (!wantsStream(req)) {
    res.json({ [source.type]: job, log: await source.logs(0) });
    return;
  }
  await followAsNdjson(req, res, source);
}
