/**
 * The GraphiQL playground at `/`, served from the installed `graphiql` and React UMD bundles
 * (the machine is offline: nothing comes from a CDN). Its headers start with the local API key
 * and owner, which GraphiQL also sends as the WebSocket's connection parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../resolvers/bundle.ts';
import { API_KEY_HEADER, OWNER_HEADER } from './auth.ts';

export const PLAYGROUND_ASSETS: Record<string, { file: string; type: string }> = {
  '/playground/react.js': {
    file: 'node_modules/react/umd/react.production.min.js',
    type: 'text/javascript',
  },
  '/playground/react-dom.js': {
    file: 'node_modules/react-dom/umd/react-dom.production.min.js',
    type: 'text/javascript',
  },
  '/playground/graphiql.js': {
    file: 'node_modules/graphiql/graphiql.min.js',
    type: 'text/javascript',
  },
  '/playground/graphiql.css': { file: 'node_modules/graphiql/graphiql.min.css', type: 'text/css' },
};

const assets = new Map<string, Buffer>();

export function playgroundAsset(path: string): { body: Buffer; type: string } | undefined {
  const asset = PLAYGROUND_ASSETS[path];
  if (!asset) return undefined;
  let body = assets.get(path);
  if (!body) {
    body = readFileSync(join(REPOSITORY_ROOT, asset.file));
    assets.set(path, body);
  }
  return { body, type: asset.type };
}

const EXAMPLE_QUERY = `# The caller's people, with their photos and presigned URLs.
# Subscribe to new people (in another tab) with:
#   subscription { onPersonCreated { personId photoCount createdAt } }
query PeopleWithPhotos {
  people(limit: 20) {
    items {
      personId
      name
      photoCount
      thumbnailUrl
      photos(limit: 10) {
        items { photoId key width height url }
        nextToken
      }
    }
    nextToken
  }
}
`;

export function playgroundPage(options: { apiKey: string; ownerId: string }): string {
  const headers = JSON.stringify(
    { [API_KEY_HEADER]: options.apiKey, [OWNER_HEADER]: options.ownerId },
    null,
    2,
  );
  const config = JSON.stringify({ headers, query: EXAMPLE_QUERY }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>face-groups API (local)</title>
    <link rel="stylesheet" href="/playground/graphiql.css" />
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="/playground/react.js"></script>
    <script src="/playground/react-dom.js"></script>
    <script src="/playground/graphiql.js"></script>
    <script>
      const config = ${config};
      const socket = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const fetcher = GraphiQL.createFetcher({
        url: location.origin + '/graphql',
        subscriptionUrl: socket + '//' + location.host + '/graphql',
      });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultHeaders: config.headers,
          defaultQuery: config.query,
          // The key changes at each start: headers from an earlier visit would be refused.
          shouldPersistHeaders: false,
        }),
      );
    </script>
  </body>
</html>
`;
}
