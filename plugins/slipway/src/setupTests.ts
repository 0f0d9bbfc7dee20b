import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Rendering is CPU-bound, and these tests run beside others on shared machines: at a load
// average of 12 on 2 cores, first renders went past Testing Library's 1 s and Jest's 5 s. The
// bounds are ones only a hung render reaches; a passing test takes no longer because of them.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
