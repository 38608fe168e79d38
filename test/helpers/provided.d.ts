// Values test/globalSetup.ts provides to every test file (read them with `inject`).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** GET it for the run's emulators, `{ s3Endpoint, dynamodbEndpoint }`: the first request starts them. */
    emulatorsUrl: string;
    /** POST a context (JSON) to it for the stack synthesized with it: see test/helpers/synth.ts. */
    synthUrl: string;
  }
}
