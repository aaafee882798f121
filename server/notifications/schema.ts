// Tables of the notifications feature.
export {};
