import type { Target } from '../../engine/target/target.js';
import type { CoverageAlgorithm } from '../../scenario/scenario.js';
import type { BlobLawSettings } from './blob-law.js';
import { BlobLaw } from './blob-law.js';
import type { LangevinLawSettings } from './langevin-law.js';
import { LangevinLaw } from './langevin-law.js';
import type { CoverageLaw } from './law.js';
import type { LloydLawSettings } from './lloyd-law.js';
import { LloydLaw } from './lloyd-law.js';

/** Which law runs, and how each one is tuned (the live controller parameters that shape them). */
export interface LawSettings {
  readonly algorithm: CoverageAlgorithm;
  readonly blob: BlobLawSettings;
  readonly lloyd: LloydLawSettings;
  readonly langevin: LangevinLawSettings;
}

/** Builds the law `settings.algorithm` names over a target (throws with the reason when a setting is invalid). */
export function createLaw(target: Target, settings: LawSettings): CoverageLaw {
  switch (settings.algorithm) {
    case 'blob':
      return new BlobLaw(target, settings.blob);
    case 'lloyd':
      return new LloydLaw(target, settings.lloyd);
    case 'langevin':
      return new LangevinLaw(target, settings.langevin);
  }
}
