/**
 * The DOM side of run files: reading a chosen or dropped File and handing its bytes to the
 * controller, and turning the controller's downloads into saved files.
 */
import type { Outcome } from '../../shared/api'
import type { Download, RunController } from '../model/controller'
import { isRunFile, RUN_FILE_MAX_BYTES } from '../model/runFiles'
import { RUN_FILE_MAGIC } from '../../shared/runfile'
import { downloadBytes, readBytes } from './download'

/** Opens a File as a run; false (and the alert says why) when it is not one or is damaged. */
export async function openRunFile(controller: RunController, file: File): Promise<boolean> {
  if (file.size > RUN_FILE_MAX_BYTES) {
    return controller.refuseFile(file.name, {
      code: 'E_TOO_LARGE',
      message: `the file is ${Math.round(file.size / 2 ** 20)} MiB, more than the ${RUN_FILE_MAX_BYTES / 2 ** 20} MiB a run file may be`,
    })
  }
  let bytes: Uint8Array
  try {
    bytes = await readBytes(file)
  } catch (e) {
    return controller.refuseFile(file.name, {
      code: 'E_READ',
      message: `the file could not be read (${(e as Error).message})`,
    })
  }
  return controller.openRunBytes(file.name, bytes)
}

/** True when the file is a run file by its name or its first bytes. */
export async function looksLikeRunFile(file: File): Promise<boolean> {
  if (isRunFile(file.name)) return true
  try {
    return isRunFile(file.name, await readBytes(file, RUN_FILE_MAGIC.length))
  } catch {
    return false
  }
}

/** Saves a controller download; returns the error when there was nothing to save. */
export function deliver(out: Outcome<Download>): Outcome<string> {
  if (!out.ok) return out
  downloadBytes(out.value.name, out.value.data, out.value.mime)
  return { ok: true, value: out.value.name }
}
