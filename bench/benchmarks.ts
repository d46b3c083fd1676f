import { graphqlOverhead } from './graphql-overhead.ts';
import type { Benchmark } from './types.ts';

/** Every benchmark `npm run bench` knows, in the order it runs them. Add new ones here. */
export const benchmarks: Benchmark[] = [graphqlOverhead];
