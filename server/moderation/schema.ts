// Tables of the moderation feature.
export {};
