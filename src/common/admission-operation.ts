// The operations an admission request can carry. Shared by the protocol layer, which reads them
// from the wire, and the policies, which are told which one they judge; neither imports the other.
export const ADMISSION_OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export type AdmissionOperation = (typeof ADMISSION_OPERATIONS)[number];
