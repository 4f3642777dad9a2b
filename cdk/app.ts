/**
 * The CDK app's entry (`cdk.json` runs it). `--no-bundling` (or `-c bundling=false`) synthesizes
 * without building the Lambda assets: what CI runs, offline.
 */
import { createFaceGroupsApp } from './face-groups-app.ts';

const { app } = createFaceGroupsApp({ skipBundling: process.argv.includes('--no-bundling') });
app.synth();
