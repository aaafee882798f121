// Every `import … from "zod"` in the client resolves here (vite.config.ts: resolve.alias), so this
// runs before any schema parses, in whichever lazy chunk first needs zod — and pages that never
// parse, like the sign-in page, never load zod at all.
//
// Our Content-Security-Policy forbids eval. zod 4 would otherwise probe `new Function` to compile
// fast parsers, and the browser reports that probe as a CSP violation even though zod catches it.
import { z } from "zod/v4";

z.config({ jitless: true });

export * from "zod/v4";
