// Values test/globalSetup.ts provides to every test file (read them with `inject`).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
    dynamodbEndpoint: string;
  }
}
