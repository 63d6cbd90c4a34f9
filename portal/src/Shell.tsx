import { Button, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { lazy, Suspense } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { usePortal } from './context';
import { screenPaths, screensFor, screenTitles } from './lib/access';

// The frame of every screen: a header with who is signed in, the navigation to the screens the
// caller's roles allow (and no others), and the screen itself, each loaded on first use so the first
// load stays within the bundle budget.

const Integration = lazy(() => import('./pages/Integration'));
const Setup = lazy(() => import('./pages/Setup'));
const SelectPrograms = lazy(() => import('./pages/SelectPrograms'));
const Manage = lazy(() => import('./pages/Manage'));
const Imports = lazy(() => import('./pages/Imports'));
const Reports = lazy(() => import('./pages/Reports'));
const Settings = lazy(() => import('./pages/Settings'));
const Audit = lazy(() => import('./pages/Audit'));

const useStyles = makeStyles({
  frame: { display: 'grid', gridTemplateColumns: '220px 1fr', gridTemplateRows: 'auto 1fr', minHeight: '100vh' },
  header: {
    gridColumn: '1 / 3',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    paddingInline: tokens.spacingHorizontalXL,
    paddingBlock: tokens.spacingVerticalM,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { flexGrow: 1, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  nav: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalM, backgroundColor: tokens.colorNeutralBackground2 },
  link: {
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    ':hover': { backgroundColor: tokens.colorNeutralBackground2Hover },
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  active: { backgroundColor: tokens.colorNeutralBackground1Selected, fontWeight: tokens.fontWeightSemibold },
  main: { padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0, backgroundColor: tokens.colorNeutralBackground1 },
});

export function Shell({ onSignOut }: { onSignOut: () => void }) {
  const styles = useStyles();
  const { session } = usePortal();
  const screens = screensFor(session.caller);
  const mayOpen = (screen: (typeof screens)[number]) => screens.includes(screen);

  return (
    <div className={styles.frame}>
      <header className={styles.header}>
        <Text className={styles.brand}>Viva Glint · Viva Insights integration</Text>
        <Text>Signed in as {session.name}</Text>
        <Button appearance="outline" onClick={onSignOut} style={{ color: 'inherit', borderColor: 'currentColor' }}>
          Sign out
        </Button>
      </header>
      <nav className={styles.nav} aria-label="Main">
        {screens.map((screen) => (
          <NavLink key={screen} to={screenPaths[screen]} end={screen === 'integration'} className={({ isActive }) => `${styles.link} ${isActive ? styles.active : ''}`}>
            {screenTitles[screen]}
          </NavLink>
        ))}
      </nav>
      <main className={styles.main}>
        <Suspense fallback={<Spinner label="Loading…" />}>
          <Routes>
            {mayOpen('integration') && <Route path="/" element={<Integration />} />}
            {session.caller.isGlintAdmin && <Route path="/setup" element={<Setup />} />}
            {session.caller.isGlintAdmin && <Route path="/setup/programs" element={<SelectPrograms />} />}
            {session.caller.isGlintAdmin && <Route path="/manage" element={<Manage />} />}
            {mayOpen('imports') && <Route path="/imports" element={<Imports />} />}
            {mayOpen('reports') && <Route path="/reports" element={<Reports />} />}
            {mayOpen('settings') && <Route path="/settings" element={<Settings />} />}
            {mayOpen('audit') && <Route path="/audit" element={<Audit />} />}
            <Route path="*" element={<Navigate to={screens[0] ? screenPaths[screens[0]] : '/nothing'} replace />} />
            {screens.length === 0 && <Route path="/nothing" element={<Text as="p" block>None of your roles gives access to this portal. Ask a Glint Administrator to grant your role an attribute.</Text>} />}
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
