// One build at a time, in-process: the corpus's worker thread. The parent
// ends this thread when a case runs over its time bound.
import { parentPort } from 'node:worker_threads'
import { build } from '../../dist/build.js'

parentPort.on('message', async (job) => {
  const started = performance.now()
  try {
    const { file, written } = await build({ source: job.source, outDir: job.outDir, formats: job.formats })
    const messages = file.messages.map((message) => ({
      reason: message.reason.split('\n')[0].slice(0, 300),
      ruleId: message.ruleId ?? '',
      line: message.line ?? undefined,
      column: message.column ?? undefined,
      fatal: message.fatal === true
    }))
    parentPort.postMessage({ messages, written, ms: performance.now() - started })
  } catch (error) {
    parentPort.postMessage({ thrown: String(error?.stack ?? error).split('\n').slice(0, 4).join(' | '), ms: performance.now() - started })
  }
})
