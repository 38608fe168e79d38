// Placeholder: replaced by the embedded-server setup (S3 + DynamoDB) of the storage work.
export default function setup(): void {}
