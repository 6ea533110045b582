// Which handler serves each operation of the API model.
import type { Context } from './store.js'
import { search } from './search.js'
import { addTags, deleteTags, listTags } from './tags.js'
import {
  createTrainingJob,
  deleteTrainingJob,
  describeTrainingJob,
  listTrainingJobs,
  stopTrainingJob,
  updateTrainingJob,
} from './training.js'
import {
  createTuningJob,
  deleteTuningJob,
  describeTuningJob,
  keepChildSummary,
  listTuningJobChildren,
  listTuningJobs,
  stopTuningJob,
} from './tuning.js'
import type { JsonObject } from './types.js'

export type Handler = (ctx: Context, input: JsonObject) => JsonObject

export const OPERATIONS: Record<string, Handler> = {
  CreateTrainingJob: createTrainingJob,
  DescribeTrainingJob: describeTrainingJob,
  ListTrainingJobs: listTrainingJobs,
  StopTrainingJob: stopTrainingJob,
  UpdateTrainingJob: updateTrainingJob,
  DeleteTrainingJob: (ctx, input) => deleteTrainingJob(ctx, input, (job) => keepChildSummary(ctx, job)),
  CreateHyperParameterTuningJob: createTuningJob,
  DescribeHyperParameterTuningJob: describeTuningJob,
  ListHyperParameterTuningJobs: listTuningJobs,
  StopHyperParameterTuningJob: stopTuningJob,
  DeleteHyperParameterTuningJob: deleteTuningJob,
  ListTrainingJobsForHyperParameterTuningJob: listTuningJobChildren,
  AddTags: addTags,
  ListTags: listTags,
  DeleteTags: deleteTags,
  Search: search,
}
