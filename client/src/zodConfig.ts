import { z } from "zod";

// Our Content-Security-Policy forbids eval. zod 4 would otherwise probe `new Function` to compile
// fast parsers, and the browser reports that probe as a CSP violation even though zod catches it.
// Imported first by main.tsx so it is set before any schema parses.
z.config({ jitless: true });
