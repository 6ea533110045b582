// The Price List double: answers from a table, as src/sagemaker/price-list.ts's PriceListApi.
import type { PriceListApi, PriceListError, TrainingPrices } from '../../src/sagemaker/price-list.js'

/** Answers from a table per region (a missing region has no prices); records each region asked for. */
export class FakePriceList implements PriceListApi {
  readonly calls: string[] = []
  constructor(
    private readonly table: Record<string, Omit<TrainingPrices, 'region'>>,
    private readonly failure?: PriceListError,
  ) {}

  async trainingPrices(region: string): Promise<TrainingPrices> {
    this.calls.push(region)
    if (this.failure) throw this.failure
    const found = this.table[region]
    return { region, prices: { ...(found?.prices ?? {}) }, publication_date: found?.publication_date ?? null }
  }
}
