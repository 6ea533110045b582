// Commands sageform prints for the user to run (hints, the saved plan's apply line) must survive the shell as typed.

/** A word the shell reads back unchanged: as is when plain, else single-quoted (`'sagemaker_training_job.x["a"]'`). */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
