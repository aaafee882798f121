import { z } from "zod";
import { CAPABILITIES, FLAGS, LEVELS, ROLES } from "./vocabulary.ts";

/** Schemas of the programme's vocabulary, for parsing; the words and labels live in vocabulary.ts. */
export * from "./vocabulary.ts";

export const RoleSchema = z.enum(ROLES);
export const LevelSchema = z.enum(LEVELS);
export const CapabilitySchema = z.enum(CAPABILITIES);
export const FlagSchema = z.enum(FLAGS);
